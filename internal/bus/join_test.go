package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/bus/bustest"
	"github.com/vigilhealth/vigil/internal/event"
)

// fenceStore is the in-memory store of the test's detector nodes: per
// partition the current epoch and the last committed sequence, and per
// sequence how often its result was committed. It checks epochs as
// Handler's documentation asks a real store to.
type fenceStore struct {
	mu        sync.Mutex
	epoch     map[int]uint64
	pos       map[int]uint64
	committed map[uint64]int
	refused   int // commits refused for a stale epoch
	again     int // messages delivered again after a take-over, not committed twice
}

func newFenceStore() *fenceStore {
	return &fenceStore{epoch: map[int]uint64{}, pos: map[int]uint64{}, committed: map[uint64]int{}}
}

func (s *fenceStore) claim(p int, epoch uint64) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if epoch < s.epoch[p] {
		return 0, fmt.Errorf("store: partition %d: epoch %d is older than %d: %w", p, epoch, s.epoch[p], ErrFenced)
	}
	s.epoch[p] = epoch
	return s.pos[p], nil
}

func (s *fenceStore) commit(p int, msgs []Msg) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := msgs[0].Epoch; e != s.epoch[p] {
		s.refused++
		return fmt.Errorf("store: partition %d: commit under epoch %d, current %d: %w", p, e, s.epoch[p], ErrFenced)
	}
	for _, m := range msgs {
		if m.Seq <= s.pos[p] { // the idempotent commit: already there
			s.again++
			continue
		}
		s.committed[m.Seq]++
		s.pos[p] = m.Seq
	}
	return nil
}

func (s *fenceStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.committed)
}

// node is a detector node of the test: its own connection, its Join.
type node struct {
	name    string
	bus     *Bus
	handler *testHandler
	cancel  context.CancelFunc
	done    chan error
}

func startNode(t *testing.T, c *bustest.Cluster, cfg Config, name string, h Handler) *node {
	n := &node{name: name, bus: connect(t, cfg), done: make(chan error, 1)}
	n.handler, _ = h.(*testHandler)
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	go func() { n.done <- n.bus.Join(ctx, name, h) }()
	t.Cleanup(n.stop)
	return n
}

func (n *node) stop() {
	if n.handler != nil && n.handler.pause.Load() {
		n.handler.unpause()
	}
	if n.cancel != nil {
		n.cancel()
		if err := <-n.done; err != nil {
			panic(fmt.Sprintf("node %s: join: %v", n.name, err))
		}
		n.cancel = nil
	}
}

func (n *node) owned() int { return len(n.bus.Stats().Lag) }

// testHandler commits each message's sequence to the shared store after
// checking that the event belongs to the partition it came from. Paused,
// its Process blocks until release is closed, as a node stalled by a long
// pause would.
type testHandler struct {
	t     *testing.T
	store *fenceStore
	parts int
	mu    sync.Mutex
	held  map[int]bool

	pause   atomic.Bool
	blocked chan int // told the first partition whose Process blocks
	release chan struct{}
	once    sync.Once
}

func (h *testHandler) unpause() { h.once.Do(func() { close(h.release) }) }

func (h *testHandler) Claim(p int, epoch uint64) (uint64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held[p] {
		h.t.Errorf("partition %d claimed twice without a release", p)
	}
	h.held[p] = true
	return h.store.claim(p, epoch)
}

func (h *testHandler) Process(p int, msgs []Msg) error {
	if h.pause.Load() {
		select {
		case h.blocked <- p:
		default:
		}
		<-h.release
	}
	var ev event.Event
	for i, m := range msgs {
		if err := ev.UnmarshalBinary(m.Data); err != nil {
			h.t.Errorf("partition %d sequence %d: %v", p, m.Seq, err)
		}
		if m.Partition != p || PartitionOf(ev.Host, h.parts) != p {
			h.t.Errorf("sequence %d (host %s) delivered in partition %d", m.Seq, ev.Host, p)
		}
		if i > 0 && m.Seq <= msgs[i-1].Seq {
			h.t.Errorf("partition %d: sequence %d after %d", p, m.Seq, msgs[i-1].Seq)
		}
	}
	return h.store.commit(p, msgs)
}

func (h *testHandler) Release(p int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.held, p)
}

func newHandler(t *testing.T, s *fenceStore, parts int) *testHandler {
	return &testHandler{t: t, store: s, parts: parts, held: map[int]bool{}, blocked: make(chan int, 1), release: make(chan struct{})}
}

// fair reports whether the nodes hold every partition between them, each
// its share, rounded down or up.
func fair(parts int, nodes ...*node) bool {
	total := 0
	for _, n := range nodes {
		k := n.owned()
		if k < parts/len(nodes) || k > (parts+len(nodes)-1)/len(nodes) {
			return false
		}
		total += k
	}
	return total == parts
}

func TestJoinSharesMovesAndProcessesOnce(t *testing.T) {
	c := bustest.NewCluster(t, 3)
	cfg := testConfig(c, 3)
	pub := connect(t, cfg)
	store := newFenceStore()
	const step = 1200
	published := 0
	publish := func() { // as listeners do: batches from several at once
		t.Helper()
		var wg sync.WaitGroup
		for i := 0; i < step; i += 100 {
			evs := makeEvents(published+i, 100, 60, 300)
			wg.Go(func() {
				if err := pub.Sink().Accept(context.Background(), evs); err != nil {
					t.Errorf("publish: %v", err)
				}
			})
		}
		wg.Wait()
		published += step
	}

	publish()
	a := startNode(t, c, cfg, "det-a", newHandler(t, store, cfg.Partitions))
	b := startNode(t, c, cfg, "det-b", newHandler(t, store, cfg.Partitions))
	waitFor(t, 15*time.Second, "two nodes did not split the partitions fairly", func() bool { return fair(cfg.Partitions, a, b) })
	publish()

	cn := startNode(t, c, cfg, "det-c", newHandler(t, store, cfg.Partitions))
	took := waitFor(t, 15*time.Second, "a third node did not get its share", func() bool { return fair(cfg.Partitions, a, b, cn) })
	t.Logf("third node had its share after %v", took)
	publish()
	waitFor(t, 30*time.Second, "the messages so far were not committed", func() bool { return store.count() >= published })

	// b stalls in Process (a long pause), then dies: its connection drops,
	// so no lease is deleted and its leases expire.
	b.handler.pause.Store(true)
	publish()
	select {
	case <-b.handler.blocked:
	case <-time.After(15 * time.Second):
		t.Fatal("node b was given nothing to process")
	}
	b.bus.Close()
	b.cancel()
	took = waitFor(t, 15*time.Second, "the dead node's partitions did not move", func() bool { return fair(cfg.Partitions, a, cn) })
	if took > 3*testTTL { // the TTL, a round, and room for a loaded machine
		t.Errorf("the dead node's partitions moved after %v, want within the lease TTL %v and a round or two", took, testTTL)
	}
	t.Logf("dead node's partitions moved after %v", took)
	waitFor(t, 30*time.Second, "the survivors did not commit what the dead node held", func() bool { return store.count() >= published })
	b.handler.unpause() // b wakes up and commits under its old epoch
	b.stop()
	publish()

	waitFor(t, 30*time.Second, "not every message was committed", func() bool { return store.count() >= published })
	msgs := readStream(t, pub)
	if len(msgs) != published {
		t.Fatalf("the stream holds %d messages, want %d", len(msgs), published)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	for _, m := range msgs {
		if k := store.committed[m.seq]; k != 1 {
			t.Errorf("sequence %d (partition %d) committed %d times, want once", m.seq, m.partition, k)
		}
	}
	if len(store.committed) != published {
		t.Errorf("%d sequences committed, want %d", len(store.committed), published)
	}
	st := a.bus.Stats()
	t.Logf("committed %d; %d commits refused for a stale epoch, %d messages delivered again; node a: %d claims, %d releases, %d processed",
		len(store.committed), store.refused, store.again, st.Claims, st.Releases, st.Processed)
	if st.Claims == 0 || st.Processed == 0 {
		t.Errorf("node a stats: %+v, want claims and processed messages", st)
	}
	if store.refused == 0 {
		t.Errorf("no commit refused: the paused node's commit under its old epoch went through")
	}
}

// fencingHandler refuses its first commit as a store would after another
// node's claim, to show that the bus gives the partition up and claims it
// again under a newer epoch.
type fencingHandler struct {
	*testHandler
	mu     sync.Mutex
	epochs []uint64
	fenced bool
}

func (h *fencingHandler) Claim(p int, epoch uint64) (uint64, error) {
	h.mu.Lock()
	h.epochs = append(h.epochs, epoch)
	h.mu.Unlock()
	return h.testHandler.Claim(p, epoch)
}

func (h *fencingHandler) Process(p int, msgs []Msg) error {
	h.mu.Lock()
	first := !h.fenced
	h.fenced = true
	h.mu.Unlock()
	if first { // another node claimed p under the next epoch
		if _, err := h.store.claim(p, msgs[0].Epoch+1); err != nil {
			return err
		}
	}
	return h.testHandler.Process(p, msgs)
}

func TestFencedPartitionIsClaimedAgainUnderNewerEpoch(t *testing.T) {
	c := bustest.NewCluster(t, 1)
	cfg := testConfig(c, 1)
	cfg.Partitions = 1
	pub := connect(t, cfg)
	if err := pub.Sink().Accept(context.Background(), makeEvents(0, 50, 5, 100)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	store := newFenceStore()
	h := &fencingHandler{testHandler: newHandler(t, store, 1)}
	startNode(t, c, cfg, "solo", h)
	waitFor(t, 15*time.Second, "the fenced partition was not processed after claiming it again", func() bool { return store.count() == 50 })
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.epochs) < 2 || h.epochs[len(h.epochs)-1] <= h.epochs[0]+1 {
		t.Errorf("claims under epochs %v, want a later one above %d", h.epochs, h.epochs[0]+1)
	}
	if store.refused != 1 {
		t.Errorf("%d commits refused, want 1", store.refused)
	}
}

// A node that leaves deletes its leases and its presence before Join
// returns, so the others take its partitions in their next round instead of
// waiting for the leases to expire. The TTL here is long, so that a round
// delayed by a loaded machine is still far from an expiry.
func TestLeaveHandsPartitionsOverAtOnce(t *testing.T) {
	c := bustest.NewCluster(t, 1)
	cfg := testConfig(c, 1)
	cfg.LeaseTTL = 12 * time.Second // rounds every 3 s
	store := newFenceStore()
	a := startNode(t, c, cfg, "det-a", newHandler(t, store, cfg.Partitions))
	b := startNode(t, c, cfg, "det-b", newHandler(t, store, cfg.Partitions))
	waitFor(t, 30*time.Second, "two nodes did not split the partitions fairly", func() bool { return fair(cfg.Partitions, a, b) })
	b.stop() // a graceful leave: b deletes its leases
	if left := keysHeldBy(t, a.bus, "det-b/"); len(left) != 0 {
		t.Fatalf("after leaving, det-b still holds %v in the lease bucket", left)
	}
	took := waitFor(t, 30*time.Second, "the leaving node's partitions did not move", func() bool { return fair(cfg.Partitions, a) })
	if took >= cfg.LeaseTTL {
		t.Errorf("the leaving node's partitions moved after %v, want before its leases would expire (%v)", took, cfg.LeaseTTL)
	}
	if st := b.bus.Stats(); st.Claims != st.Releases || len(st.Lag) != 0 {
		t.Errorf("after leaving: %d claims, %d releases, %d partitions held; want every claim released", st.Claims, st.Releases, len(st.Lag))
	}
}

// keysHeldBy lists the lease bucket's live keys whose value starts with
// prefix (a node's name and a slash).
func keysHeldBy(t *testing.T, b *Bus, prefix string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m := &member{b: b}
	view, err := m.view(ctx)
	if err != nil {
		t.Fatalf("read the lease bucket: %v", err)
	}
	var held []string
	for k, e := range view {
		if strings.HasPrefix(string(e.Value()), prefix) {
			held = append(held, k)
		}
	}
	return held
}

func TestJoinRefusesBadNodeName(t *testing.T) {
	b := &Bus{cfg: Config{Stream: "S"}}
	for _, name := range []string{"", "a.b", "a b", "a*"} {
		if err := b.Join(context.Background(), name, nil); err == nil || !strings.Contains(err.Error(), "node name") {
			t.Errorf("Join(%q): %v, want an error about the node name", name, err)
		}
	}
}

func TestFairShareAddsUp(t *testing.T) {
	for _, tt := range []struct{ p, n int }{{12, 1}, {12, 2}, {12, 5}, {32, 3}, {32, 7}, {3, 5}} {
		total, lo, hi := 0, tt.p, 0
		for r := range tt.n {
			s := fairShare(tt.p, tt.n, r)
			total += s
			lo, hi = min(lo, s), max(hi, s)
		}
		if total != tt.p || hi-lo > 1 {
			t.Errorf("%d partitions over %d members: shares add up to %d (want %d), from %d to %d", tt.p, tt.n, total, tt.p, lo, hi)
		}
	}
}

// failingHandler fails its first Process with an ordinary error, as a
// store that was briefly unreachable would.
type failingHandler struct {
	*testHandler
	failed atomic.Bool
	claims atomic.Int64
}

func (h *failingHandler) Claim(p int, epoch uint64) (uint64, error) {
	h.claims.Add(1)
	return h.testHandler.Claim(p, epoch)
}

func (h *failingHandler) Process(p int, msgs []Msg) error {
	if !h.failed.Swap(true) {
		return errors.New("store unreachable")
	}
	return h.testHandler.Process(p, msgs)
}

func TestProcessErrorResumesFromCommitted(t *testing.T) {
	c := bustest.NewCluster(t, 1)
	cfg := testConfig(c, 1)
	cfg.Partitions = 2
	pub := connect(t, cfg)
	if err := pub.Sink().Accept(context.Background(), makeEvents(0, 200, 50, 100)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	store := newFenceStore()
	h := &failingHandler{testHandler: newHandler(t, store, cfg.Partitions)}
	n := startNode(t, c, cfg, "solo", h)
	waitFor(t, 15*time.Second, "not every message was committed after the failure", func() bool { return store.count() == 200 })
	if got := h.claims.Load(); got != 3 {
		t.Errorf("%d claims, want 3: two partitions and the failed one again", got)
	}
	waitFor(t, 5*time.Second, "the lag did not fall to zero", func() bool {
		st := n.bus.Stats()
		return len(st.Lag) == 2 && st.Lag[0] == 0 && st.Lag[1] == 0 && st.Processed == 200
	})
	if st := n.bus.Stats(); st.Releases != 1 || st.Claims != 3 {
		t.Errorf("stats: %d claims, %d releases; want 3 and 1", st.Claims, st.Releases)
	}
}

func TestConnectErrorsNameTheCause(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"invalid config", Config{}, "bus.nats.urls"},
		{"no server", Config{URLs: []string{"nats://127.0.0.1:1"}}, "127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Connect(context.Background(), tt.cfg, testLogger())
			if err == nil {
				b.Close()
				t.Fatal("Connect succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Connect: %v, want it to name %s", err, tt.want)
			}
		})
	}
}

// epochHandler records the epoch of each claim.
type epochHandler struct {
	*testHandler
	mu     sync.Mutex
	epochs map[int]uint64
}

func (h *epochHandler) Claim(p int, epoch uint64) (uint64, error) {
	h.mu.Lock()
	h.epochs[p] = epoch
	h.mu.Unlock()
	return h.testHandler.Claim(p, epoch)
}

func TestRestartedNodeTakesItsLeasesBackUnderNewEpochs(t *testing.T) {
	c := bustest.NewCluster(t, 1)
	cfg := testConfig(c, 1)
	cfg.Partitions = 4
	cfg.LeaseTTL = 10 * time.Second // long: taking them back must not wait for it
	store := newFenceStore()
	first := &epochHandler{testHandler: newHandler(t, store, cfg.Partitions), epochs: map[int]uint64{}}
	n := startNode(t, c, cfg, "det-a", first)
	waitFor(t, 15*time.Second, "the node did not claim every partition", func() bool { return n.owned() == cfg.Partitions })
	n.bus.Close() // dies: its leases stay until they expire
	n.stop()

	again := &epochHandler{testHandler: newHandler(t, store, cfg.Partitions), epochs: map[int]uint64{}}
	n2 := startNode(t, c, cfg, "det-a", again)
	took := waitFor(t, 15*time.Second, "the restarted node did not take its partitions back", func() bool { return n2.owned() == cfg.Partitions })
	if took >= cfg.LeaseTTL/2 {
		t.Errorf("took its partitions back after %v, want well before the leases expire (%v)", took, cfg.LeaseTTL)
	}
	first.mu.Lock()
	again.mu.Lock()
	defer first.mu.Unlock()
	defer again.mu.Unlock()
	for p := range cfg.Partitions {
		if again.epochs[p] <= first.epochs[p] {
			t.Errorf("partition %d: epoch %d after the restart, want above %d", p, again.epochs[p], first.epochs[p])
		}
	}
}
