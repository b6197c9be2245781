package bus

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/bus/bustest"
)

// keyHandler is a detector of the second stream: each message's body is
// its key, which must route to the partition it came from; each message
// is committed to the shared store once.
type keyHandler struct {
	t     *testing.T
	store *fenceStore
	parts int
	mu    sync.Mutex
	seen  map[string]int // body -> deliveries committed
}

func (h *keyHandler) Claim(p int, epoch uint64) (uint64, error) { return h.store.claim(p, epoch) }
func (h *keyHandler) Release(int)                               {}

func (h *keyHandler) Process(p int, msgs []Msg) error {
	for _, m := range msgs {
		key, _, _ := strings.Cut(string(m.Data), "#")
		if got := PartitionOf(key, h.parts); got != p {
			h.t.Errorf("key %q (partition %d) delivered in partition %d", key, got, p)
		}
	}
	if err := h.store.commit(p, msgs); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range msgs {
		h.seen[string(m.Data)]++
	}
	return nil
}

// TestKeyedStreamBesideTheEvents: a second stream on the same cluster,
// with its own lease bucket, takes messages routed by a caller's key;
// a message sent again under its ID is stored once; a detector group
// joined to it processes each message once in its key's partition, and
// the event stream holds none of them.
func TestKeyedStreamBesideTheEvents(t *testing.T) {
	c := bustest.NewCluster(t, 3)
	cfg := testConfig(c, 3)
	events := connect(t, cfg)
	kcfg := cfg
	kcfg.Stream = "VIGIL_CORR"
	keyed := connect(t, kcfg)
	msgs := make([]Keyed, 300)
	for i := range msgs {
		key := fmt.Sprintf("user%d", i%17)
		msgs[i] = Keyed{Key: key, ID: fmt.Sprintf("3.%d.spray", i), Data: fmt.Appendf(nil, "%s#%d", key, i)}
	}
	ctx := context.Background()
	if err := keyed.Publish(ctx, msgs); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if err := keyed.Publish(ctx, msgs[:100]); err != nil { // a batch processed again after a crash
		t.Fatalf("publish again: %v", err)
	}
	if st := keyed.Stats(); st.Acked != 400 || st.Duplicates != 100 {
		t.Errorf("acknowledged %d, duplicates %d; want 400 and 100", st.Acked, st.Duplicates)
	}
	if err := keyed.Publish(ctx, nil); err != nil {
		t.Errorf("publish nothing: %v", err)
	}
	h := &keyHandler{t: t, store: newFenceStore(), parts: kcfg.Partitions, seen: map[string]int{}}
	a := startNode(t, c, kcfg, "det-1", h)
	b := startNode(t, c, kcfg, "det-2", h)
	waitFor(t, 30*time.Second, "every keyed message committed", func() bool { return h.store.count() == len(msgs) })
	waitFor(t, 30*time.Second, "two nodes sharing the keyed partitions", func() bool { return fair(kcfg.Partitions, a, b) })
	h.mu.Lock()
	for body, n := range h.seen {
		if n != 1 {
			t.Errorf("message %s processed %d times", body, n)
		}
	}
	if len(h.seen) != len(msgs) {
		t.Errorf("%d distinct messages processed, %d published", len(h.seen), len(msgs))
	}
	h.mu.Unlock()
	if got := readStream(t, events); len(got) != 0 {
		t.Errorf("the event stream holds %d messages, want none", len(got))
	}
}
