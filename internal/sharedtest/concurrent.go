package sharedtest

import (
	"errors"
	"sync"
	"testing"
)

// Concurrently runs work(w) for each w in [0, workers), each in its own
// goroutine, waits for them all, and fails the test with every error they
// returned. A store suite uses it to show that writers at once all land;
// work returns at its first error.
func Concurrently(tb testing.TB, workers int, work func(w int) error) {
	tb.Helper()
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { errs[w] = work(w) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		tb.Fatalf("concurrent work: %v", err)
	}
}
