package serve

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/wal"
)

// DefaultMaxLag is how many records may wait in the log for the detector
// before the sink answers ingest.ErrOverloaded, so that senders slow down
// (HTTP 429, TCP reads paused) rather than detection falling behind. It
// bounds the event-to-alert latency: the detector clears this many Windows
// events in well under a second on two cores (docs/benchmarks.md).
const DefaultMaxLag = 10_000

// walSink is the ingest.Sink of every listener: it encodes a batch and
// appends it to the write-ahead log in one call, which returns once the
// records are on disk.
type walSink struct {
	log       *wal.Log
	processed *atomic.Uint64 // the detector's position: last record it finished
	maxLag    uint64
	overloads atomic.Int64 // batches refused with ErrOverloaded
	bufs      sync.Pool    // *[]byte encode buffers, reused across batches
	flow      *flow.Watch  // counts accepted batches per source; nil: none
	now       func() time.Time
}

func newWALSink(log *wal.Log, processed *atomic.Uint64, maxLag uint64) *walSink {
	s := &walSink{log: log, processed: processed, maxLag: maxLag}
	s.bufs.New = func() any { b := make([]byte, 0, 64<<10); return &b }
	return s
}

// Overload handling: a batch that finds the detector too far behind waits
// up to overloadWait for it to catch up, polling every overloadPoll, before
// it is refused with ingest.ErrOverloaded. Waiting slows the sender down
// smoothly; refusing tells it to back off (HTTP 429 with Retry-After).
const (
	overloadWait = time.Second
	overloadPoll = 5 * time.Millisecond
)

// waitForDetector returns once the detector lags the log by at most
// maxLag records, or ErrOverloaded when it has not within overloadWait.
func (s *walSink) waitForDetector(ctx context.Context) error {
	behind := func() bool {
		last, done := s.log.Stats().Last, s.processed.Load()
		return last > done && last-done > s.maxLag
	}
	if !behind() {
		return nil
	}
	deadline := time.NewTimer(overloadWait)
	defer deadline.Stop()
	tick := time.NewTicker(overloadPoll)
	defer tick.Stop()
	for behind() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			s.overloads.Add(1)
			return ingest.ErrOverloaded
		case <-tick.C:
		}
	}
	return nil
}

// Accept implements ingest.Sink.
func (s *walSink) Accept(ctx context.Context, evs []*event.Event) error {
	if len(evs) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.waitForDetector(ctx); err != nil {
		return err
	}
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	buf := (*bp)[:0]
	ends := make([]int, len(evs))
	for i, ev := range evs {
		buf = ev.AppendBinary(buf)
		ends[i] = len(buf)
	}
	*bp = buf
	recs := make([][]byte, len(evs))
	start := 0
	for i, end := range ends {
		recs[i] = buf[start:end:end]
		start = end
	}
	if _, _, err := s.log.Append(recs...); err != nil {
		return fmt.Errorf("store %d events in the write-ahead log: %w", len(evs), err)
	}
	if s.flow != nil {
		observeFlow(s.flow, s.now(), evs)
	}
	return nil
}

// countingSink counts the events one listener had accepted.
type countingSink struct {
	next ingest.Sink
	n    *atomic.Int64
}

// Accept implements ingest.Sink.
func (c countingSink) Accept(ctx context.Context, evs []*event.Event) error {
	if err := c.next.Accept(ctx, evs); err != nil {
		return err
	}
	c.n.Add(int64(len(evs)))
	return nil
}
