package bus

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/bus/bustest"
	"github.com/vigilhealth/vigil/internal/event"
)

// benchEventSize is the encoded size the benchmarks' events are made to.
const benchEventSize = 1024

// benchBatch is how many events a benchmark publisher sends per Accept,
// as a listener hands over what it read at once.
const benchBatch = 100

// BenchmarkBus measures publishing (with one and three replicas) and
// consuming through Join on a three-server cluster, with 1KB events.
func BenchmarkBus(b *testing.B) {
	c := bustest.NewCluster(b, 3)
	for _, r := range []int{1, 3} {
		b.Run(fmt.Sprintf("publish/R%d", r), func(b *testing.B) { benchPublish(b, c, r) })
	}
	b.Run("consume/R3", func(b *testing.B) { benchConsume(b, c) })
}

var benchStreams atomic.Int64

// benchBus connects to a stream of its own, so that runs do not share.
func benchBus(b *testing.B, c *bustest.Cluster, replicas int) *Bus {
	cfg := testConfig(c, replicas)
	cfg.Stream = fmt.Sprintf("BENCH_%d", benchStreams.Add(1))
	cfg.Batch = 256
	return connect(b, cfg)
}

// benchEvents returns n events of benchEventSize bytes encoded.
func benchEvents(first, n int) []*event.Event {
	evs := makeEvents(first, n, 200, benchEventSize)
	if extra := benchEventSize - len(evs[0].AppendBinary(nil)); extra != 0 {
		evs = makeEvents(first, n, 200, benchEventSize+extra)
	}
	return evs
}

func benchPublish(b *testing.B, c *bustest.Cluster, replicas int) {
	bus := benchBus(b, c, replicas)
	sink := bus.Sink()
	var next atomic.Int64
	b.SetBytes(benchEventSize)
	b.SetParallelism(4) // several listeners' batches in flight at once
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		evs := benchEvents(0, benchBatch)
		for more := true; more; {
			n := 0
			for ; n < benchBatch && pb.Next(); n++ {
			}
			more = n == benchBatch
			if n == 0 {
				return
			}
			first := next.Add(int64(n)) - int64(n)
			for i, ev := range evs[:n] {
				ev.Record = uint64(first) + uint64(i) // a new batch: new message ids
			}
			if err := sink.Accept(context.Background(), evs[:n]); err != nil {
				b.Errorf("publish: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// countHandler decodes and counts what it is given.
type countHandler struct {
	n    atomic.Int64
	done chan struct{}
	want int64
}

func (h *countHandler) Claim(int, uint64) (uint64, error) { return 0, nil }
func (h *countHandler) Release(int)                       {}
func (h *countHandler) Process(_ int, msgs []Msg) error {
	var ev event.Event
	for _, m := range msgs {
		if err := ev.UnmarshalBinary(m.Data); err != nil {
			return err
		}
	}
	if h.n.Add(int64(len(msgs))) == h.want {
		close(h.done)
	}
	return nil
}

func benchConsume(b *testing.B, c *bustest.Cluster) {
	bus := benchBus(b, c, 3)
	sink := bus.Sink()
	evs := benchEvents(0, benchBatch)
	for i := 0; i < b.N; i += benchBatch {
		n := min(benchBatch, b.N-i)
		for j, ev := range evs[:n] {
			ev.Record = uint64(i + j)
		}
		if err := sink.Accept(context.Background(), evs[:n]); err != nil {
			b.Fatalf("publish: %v", err)
		}
	}
	h := &countHandler{done: make(chan struct{}), want: int64(b.N)}
	ctx, cancel := context.WithCancel(context.Background())
	joined := make(chan error, 1)
	b.SetBytes(benchEventSize)
	b.ResetTimer()
	start := time.Now()
	go func() { joined <- bus.Join(ctx, "bench", h) }()
	select {
	case <-h.done:
	case <-time.After(5 * time.Minute):
		b.Errorf("consumed %d of %d events in 5 minutes", h.n.Load(), b.N)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	if err := <-joined; err != nil {
		b.Errorf("join: %v", err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}
