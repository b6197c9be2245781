// Package wait pauses a goroutine in a way that ends early when its
// context does, so that retries and pacing never hold up a shutdown.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx is done, in which case it returns
// ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Every calls f every d, the first time d from now, until ctx is done.
// A call that outlasts d delays the next rather than queueing more.
func Every(ctx context.Context, d time.Duration, f func(context.Context)) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f(ctx)
	}
}
