package serve

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/wal"
)

// TestSinkWaitsForTheDetector shows the bound on detection lag: a batch
// that finds the detector too far behind waits for it, and is refused
// with ErrOverloaded only if it does not catch up in time.
func TestSinkWaitsForTheDetector(t *testing.T) {
	l, err := wal.Open(t.TempDir(), wal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var processed atomic.Uint64
	sink := newWALSink(l, &processed, 2)
	ev := &event.Event{Host: "ws01"}
	ev.Set("EventID", "4624")
	batch := []*event.Event{ev, ev, ev}
	ctx := context.Background()
	if err := sink.Accept(ctx, batch); err != nil { // 3 behind now: over the bound
		t.Fatal(err)
	}
	start := time.Now()
	if err := sink.Accept(ctx, batch); !errors.Is(err, ingest.ErrOverloaded) {
		t.Fatalf("with the detector stuck: %v, want ErrOverloaded", err)
	}
	if waited := time.Since(start); waited < overloadWait {
		t.Errorf("refused after %v, want a wait of %v first", waited, overloadWait)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		processed.Store(3) // the detector catches up
	}()
	if err := sink.Accept(ctx, batch); err != nil {
		t.Fatalf("once the detector caught up: %v", err)
	}
	if n := sink.overloads.Load(); n != 1 {
		t.Errorf("%d overloads counted, want 1", n)
	}
}
