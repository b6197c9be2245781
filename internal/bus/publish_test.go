package bus

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigilhealth/vigil/internal/bus/bustest"
	"github.com/vigilhealth/vigil/internal/ingest"
)

// checkOnce fails the test unless the stream holds the records from 0 to
// n-1 (or those in want, if given) exactly once each, each in its host's
// partition, and no record twice. With want given, the stream may hold
// records beyond it: those of a batch cut off unacknowledged at the end.
func checkOnce(t *testing.T, b *Bus, n int, want map[uint64]bool) {
	t.Helper()
	seen := map[uint64]int{}
	for _, m := range readStream(t, b) {
		seen[m.record]++
		host := makeEvents(int(m.record), 1, 50, 0)[0].Host
		if p := PartitionOf(host, b.cfg.Partitions); p != m.partition {
			t.Errorf("record %d (host %s) stored in partition %d, want %d", m.record, host, m.partition, p)
		}
	}
	exact := want == nil
	if exact {
		want = map[uint64]bool{}
		for i := range n {
			want[uint64(i)] = true
		}
	}
	for r, k := range seen {
		if k != 1 || (exact && !want[r]) {
			t.Errorf("record %d stored %d times, want %s", r, k, map[bool]string{true: "never", false: "once"}[exact && !want[r]])
		}
	}
	for r := range want {
		if seen[r] == 0 {
			t.Errorf("record %d acknowledged but not stored", r)
		}
	}
}

func TestPublishRetriedBatchesStoredOnce(t *testing.T) {
	c := bustest.NewCluster(t, 3)
	b := connect(t, testConfig(c, 3))
	sink := b.Sink()
	const batches, size = 12, 100
	ctx := context.Background()
	retried := 0
	for i := range batches {
		evs := makeEvents(i*size, size, 50, 300)
		if i%4 == 0 { // the listener gives up waiting (its sender timed out) while acks are on their way
			short, cancel := context.WithTimeout(ctx, 200*time.Microsecond)
			err := sink.Accept(short, evs)
			cancel()
			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("batch %d with a short deadline: %v, want nil or the deadline", i, err)
			}
		}
		if err := sink.Accept(ctx, evs); err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		if i%5 == 0 { // acknowledged, but the acknowledgement never reached the sender: it sends again
			if err := sink.Accept(ctx, evs); err != nil {
				t.Fatalf("batch %d sent again: %v", i, err)
			}
			retried += size
		}
	}
	checkOnce(t, b, batches*size, nil)
	if st := b.Stats(); st.Duplicates < uint64(retried) || st.Pending != 0 {
		t.Errorf("stats: %d duplicates (want at least %d), %d pending (want 0)", st.Duplicates, retried, st.Pending)
	}
}

// publisher sends numbered batches the way a listener's sender does: a
// batch that fails is sent again, the same, until it is acknowledged.
type publisher struct {
	sink  ingest.Sink
	size  int
	mu    sync.Mutex
	acked map[uint64]bool
	fails int
}

func (p *publisher) run(ctx context.Context, t *testing.T) {
	for i := 0; ctx.Err() == nil; i++ {
		evs := makeEvents(i*p.size, p.size, 50, 300)
		for {
			actx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := p.sink.Accept(actx, evs)
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return // this batch was never acknowledged: it need not be stored
			}
			p.mu.Lock()
			p.fails++
			p.mu.Unlock()
			time.Sleep(50 * time.Millisecond) // the sender's back-off before it sends again
		}
		p.mu.Lock()
		for _, ev := range evs {
			p.acked[ev.Record] = true
		}
		p.mu.Unlock()
	}
}

func (p *publisher) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.acked)
}

func TestPublishAndConsumeSurviveServerKill(t *testing.T) {
	c := bustest.NewCluster(t, 3)
	cfg := testConfig(c, 3)
	b := connect(t, cfg)
	store := newFenceStore() // two detector nodes consume throughout
	startNode(t, c, cfg, "det-a", newHandler(t, store, cfg.Partitions))
	startNode(t, c, cfg, "det-b", newHandler(t, store, cfg.Partitions))
	p := &publisher{sink: b.Sink(), size: 50, acked: map[uint64]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.run(ctx, t) }()
	defer func() { cancel(); <-done }()

	waitFor(t, 20*time.Second, "no batch acknowledged before the kill", func() bool { return p.count() >= 500 })
	victim := 0
	for i := range 3 { // kill the stream's leader: the hardest case
		if s := c.Server(i); s != nil && s.JetStreamIsStreamLeader("$G", b.cfg.Stream) {
			victim = i
		}
	}
	c.Kill(victim)
	before := p.count()
	waitFor(t, 30*time.Second, "publishing did not go on with two servers of three", func() bool { return p.count() >= before+500 })
	c.Restart(victim)
	after := p.count()
	waitFor(t, 30*time.Second, "publishing did not go on after the restart", func() bool { return p.count() >= after+250 })
	cancel()
	<-done

	checkOnce(t, b, 0, p.acked)
	var total uint64
	waitFor(t, 30*time.Second, "the restarted server did not catch up", func() bool {
		total = readStreamMsgs(t, b)
		n, ok := c.StoredMsgs(victim, b.cfg.Stream)
		return ok && n == total
	})
	t.Logf("%d events acknowledged, %d stored; %d Accept calls failed during the fail-over; server %d caught up",
		p.count(), total, p.fails, victim)

	waitFor(t, 30*time.Second, "the detector nodes did not commit every stored event", func() bool { return store.count() >= int(total) })
	store.mu.Lock()
	defer store.mu.Unlock()
	for seq, k := range store.committed {
		if k != 1 {
			t.Errorf("sequence %d committed %d times, want once", seq, k)
		}
	}
	if len(store.committed) != int(total) {
		t.Errorf("%d sequences committed, want the %d stored", len(store.committed), total)
	}
	t.Logf("detectors: %d commits refused for a stale epoch, %d messages delivered again", store.refused, store.again)
}

func readStreamMsgs(t testing.TB, b *Bus) uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := b.js.Stream(ctx, b.cfg.Stream)
	if err != nil {
		t.Fatalf("stream info: %v", err)
	}
	return s.CachedInfo().State.Msgs
}

func TestEncodeIDsRepeatForTheSameBatch(t *testing.T) {
	b := &Bus{cfg: Config{Stream: "S", Partitions: 8}.withDefaults()}
	for p := range 8 {
		b.subjects = append(b.subjects, subject("S", p))
	}
	ids := func(first, n int) []string {
		var out []string
		for _, m := range b.encode(makeEvents(first, n, 5, 100)) {
			out = append(out, m.Header.Get(jetstream.MsgIDHeader))
		}
		return out
	}
	a, again, other := ids(0, 10), ids(0, 10), ids(1, 10)
	seen := map[string]bool{}
	for i := range a {
		if a[i] != again[i] {
			t.Errorf("event %d: id %q, then %q for the same batch", i, a[i], again[i])
		}
		if a[i] == other[i] {
			t.Errorf("event %d: id %q for two different batches", i, a[i])
		}
		if seen[a[i]] {
			t.Errorf("event %d: id %q repeats within the batch", i, a[i])
		}
		seen[a[i]] = true
	}
}

func TestTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{jetstream.ErrTooManyStalledMsgs, true},
		{jetstream.ErrAsyncPublishTimeout, true},
		{errors.Join(nil, nats.ErrDisconnected), true},
		{&jetstream.APIError{Code: 503, Description: "JetStream system temporarily unavailable"}, true},
		{&jetstream.APIError{Code: 409, ErrorCode: errDupInProcess}, true},
		{&jetstream.APIError{Code: 400, Description: "maximum payload exceeded"}, false},
		{context.Canceled, false},
		{errors.New("other"), false},
	}
	for _, tt := range tests {
		if got := transient(tt.err); got != tt.want {
			t.Errorf("transient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestPartitionOf(t *testing.T) {
	tests := []struct {
		a, b string
	}{
		{"WS-042", "ws-042"},
		{"PAS01.TRUST.NHS.UK", "pas01.trust.nhs.uk"},
	}
	for _, tt := range tests {
		if PartitionOf(tt.a, 32) != PartitionOf(tt.b, 32) {
			t.Errorf("%q and %q fall in different partitions", tt.a, tt.b)
		}
	}
	counts := make([]int, 32)
	for i := range 3200 {
		p := PartitionOf(makeEvents(i, 1, 3200, 0)[0].Host, 32)
		if p < 0 || p >= 32 {
			t.Fatalf("partition %d out of range", p)
		}
		counts[p]++
	}
	for p, n := range counts { // 100 expected each; a fair hash keeps within a wide band
		if n < 50 || n > 150 {
			t.Errorf("partition %d got %d of 3200 hosts, want about 100", p, n)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{URLs: []string{"nats://127.0.0.1:4222"}}
	tests := []struct {
		name string
		edit func(*Config)
		key  string // "" for valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"no urls", func(c *Config) { c.URLs = nil }, "bus.nats.urls"},
		{"dotted stream", func(c *Config) { c.Stream = "a.b" }, "bus.nats.stream"},
		{"replicas", func(c *Config) { c.Replicas = 7 }, "bus.nats.replicas"},
		{"partitions", func(c *Config) { c.Partitions = -1 }, "bus.nats.partitions"},
		{"max age", func(c *Config) { c.MaxAge = -time.Second }, "bus.nats.max_age"},
		{"lease ttl", func(c *Config) { c.LeaseTTL = time.Millisecond }, "bus.nats.lease_ttl"},
		{"cert without key", func(c *Config) { c.TLS.Cert = "c.pem" }, "bus.nats.tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			c = c.withDefaults()
			err := c.validate()
			switch {
			case tt.key == "" && err != nil:
				t.Errorf("validate: %v, want nil", err)
			case tt.key != "" && (err == nil || !strings.Contains(err.Error(), tt.key)):
				t.Errorf("validate: %v, want an error naming %s", err, tt.key)
			}
		})
	}
	if d := ok.withDefaults(); d.Stream != DefaultStream || d.Partitions != DefaultPartitions || d.Replicas != 1 {
		t.Errorf("defaults: stream %q, %d partitions, %d replicas", d.Stream, d.Partitions, d.Replicas)
	}
}

func TestPublishWithoutQuorumIsOverloaded(t *testing.T) {
	c := bustest.NewCluster(t, 3)
	cfg := testConfig(c, 3)
	cfg.AckTimeout = 500 * time.Millisecond
	b := connect(t, cfg)
	sink := b.Sink()
	if err := sink.Accept(context.Background(), makeEvents(0, 10, 50, 100)); err != nil {
		t.Fatalf("publish with every server up: %v", err)
	}
	c.Kill(1)
	c.Kill(2)
	err := sink.Accept(context.Background(), makeEvents(10, 10, 50, 100))
	if !errors.Is(err, ingest.ErrOverloaded) || !strings.Contains(err.Error(), b.cfg.Stream) {
		t.Fatalf("publish with one server of three: %v, want ingest.ErrOverloaded naming stream %s", err, b.cfg.Stream)
	}
	c.Restart(1)
	c.Restart(2)
	waitFor(t, 30*time.Second, "publishing did not resume with the quorum back", func() bool {
		return sink.Accept(context.Background(), makeEvents(10, 10, 50, 100)) == nil
	})
	if st := b.Stats(); st.Overloaded == 0 {
		t.Errorf("stats: %d overloaded, want the refused batch counted", st.Overloaded)
	}
	checkOnce(t, b, 20, nil)
}
