package sharedtest

import (
	"errors"
	"sync/atomic"
	"testing"
)

// TestConcurrently runs every worker once and fails exactly when one of
// them returns an error.
func TestConcurrently(t *testing.T) {
	tests := []struct {
		name     string
		workers  int
		failing  int // the worker that fails, or -1
		wantFail bool
	}{
		{"all succeed", 8, -1, false},
		{"one fails", 8, 5, true},
		{"no workers", 0, -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ran atomic.Int64
			var seen [8]atomic.Bool
			rec := &recorder{TB: t}
			func() {
				defer func() { _ = recover() }() // Fatalf ends the call early
				Concurrently(rec, tc.workers, func(w int) error {
					ran.Add(1)
					seen[w].Store(true)
					if w == tc.failing {
						return errors.New("store refused")
					}
					return nil
				})
			}()
			if rec.failed != tc.wantFail {
				t.Errorf("failed %v, want %v", rec.failed, tc.wantFail)
			}
			if ran.Load() != int64(tc.workers) {
				t.Errorf("%d workers ran, want %d", ran.Load(), tc.workers)
			}
			for w := range tc.workers {
				if !seen[w].Load() {
					t.Errorf("worker %d did not run", w)
				}
			}
		})
	}
}
