package serve

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestReloaderLogsRunsOfFailures: failed looks are all counted, but
// logged once when a run of them starts and once when it ends; a look
// cut short by the end of its context is neither.
func TestReloaderLogsRunsOfFailures(t *testing.T) {
	var logs bytes.Buffer
	r := &reloader{what: "notify", failMsg: "cannot look", log: slog.New(slog.NewTextHandler(&logs, nil))}
	down := errors.New("database down")
	looks := []struct {
		err     error
		changed bool
	}{{nil, true}, {down, false}, {down, false}, {down, false}, {nil, false}, {down, false}, {nil, true}}
	ctx := context.Background()
	for i, l := range looks {
		got := r.once(ctx, func(context.Context) (bool, error) { return l.changed, l.err })
		if got != (l.err == nil && l.changed) {
			t.Errorf("look %d: changed %v", i, got)
		}
	}
	if n := r.errors.Load(); n != 4 {
		t.Errorf("%d failed looks counted, want 4", n)
	}
	if n := strings.Count(logs.String(), "cannot look"); n != 2 {
		t.Errorf("%d failure lines, want 2 (one per run):\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), "notify: looking for changes again"); n != 2 {
		t.Errorf("%d recovery lines, want 2:\n%s", n, logs.String())
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	r.once(cancelled, func(context.Context) (bool, error) { return false, context.Canceled })
	if n := r.errors.Load(); n != 4 {
		t.Errorf("a look ended by shutdown was counted as failed (%d)", n)
	}
}
