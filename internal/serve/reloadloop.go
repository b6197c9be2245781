package serve

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/wait"
)

// reloader looks, every period, whether something shared has changed
// (a people import, the notification targets) and takes the change in.
// A failed look is counted, and logged when a run of failures starts and
// when it ends, not at every look; meanwhile what was taken in before is
// served.
type reloader struct {
	what    string // what is looked for, in the log: "people", "notify"
	failMsg string // logged when a run of failed looks starts
	log     *slog.Logger
	errors  atomic.Int64 // the failed looks
	failing bool         // the last look failed; only run's goroutine uses it
}

// run calls look every period until ctx ends. look says whether it took
// a change in; it is called from run's goroutine only.
func (r *reloader) run(ctx context.Context, period time.Duration, look func(context.Context) (bool, error)) error {
	wait.Every(ctx, period, func(ctx context.Context) { r.once(ctx, look) })
	return nil
}

// once makes one look and says whether it took a change in.
func (r *reloader) once(ctx context.Context, look func(context.Context) (bool, error)) bool {
	changed, err := look(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		r.errors.Add(1)
		if !r.failing {
			r.log.Error(r.failMsg, "err", err)
		}
		r.failing = true
		return false
	}
	if r.failing {
		r.log.Info(r.what + ": looking for changes again")
		r.failing = false
	}
	return changed
}
