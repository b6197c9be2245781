package serve

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/notify"
	"github.com/vigilhealth/vigil/internal/notify/targetstore"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestTargetsReachDetectNodes: a target an API node adds to PostgreSQL
// reaches a detect node's dispatcher at its next look, one removed
// leaves it, and a target the node cannot build (a header's variable
// unset there) is left out while the others go on.
func TestTargetsReachDetectNodes(t *testing.T) {
	ctx, key := context.Background(), t.TempDir()
	rec := &webhookRecorder{}
	hook := httptest.NewServer(rec)
	defer hook.Close()
	cfg := &NotifyConfig{}
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	api := &notifyTargets{store: pgtest.Open(t, key, pgstore.Options{}).NotifyTargets(), cfg: cfg, getenv: getenv, log: slog.New(slog.DiscardHandler), now: time.Now}
	detect := &notifyTargets{store: pgtest.Open(t, key, pgstore.Options{}).NotifyTargets(), cfg: cfg, getenv: getenv, log: slog.New(slog.DiscardHandler), now: time.Now}
	d := notify.NewDispatcher(nil, notify.Options{Throttle: -1}, nil)
	if err := detect.attach(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	defer func() { stop(); <-done }()

	good, err := api.add(ctx, targetstore.Target{Name: "SOC", Kind: "webhook", URL: hook.URL + "/h"}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.add(ctx, targetstore.Target{Name: "needs a header", Kind: "webhook", URL: hook.URL + "/other",
		HeadersEnv: map[string]string{"Authorization": "VIGIL_UNSET_HERE"}}, "admin"); err != nil {
		t.Fatal(err)
	}
	if len(d.Stats()) != 0 {
		t.Fatal("the detect node has the targets before looking")
	}
	if changed, err := detect.apply(ctx); !changed || err != nil {
		t.Fatalf("look after the adds: changed %v (%v), want a change taken in", changed, err)
	}
	if changed, err := detect.apply(ctx); changed || err != nil {
		t.Fatalf("second look: changed %v (%v), want nothing new", changed, err)
	}
	d.Notify(&alert.Alert{ID: "a1", Level: "critical", RuleTitle: "r"})
	waitFor(t, "the detect node to send to the added target", func() bool { a, _ := rec.received(); return len(a) == 1 })
	if st := d.Stats(); len(st) != 1 {
		t.Errorf("dispatcher targets %v, want only the one it could build", st)
	}
	if _, err := api.remove(ctx, good.ID); err != nil {
		t.Fatal(err)
	}
	if changed, err := detect.apply(ctx); !changed || err != nil {
		t.Fatalf("look after the remove: changed %v (%v)", changed, err)
	}
	if st := d.Stats(); len(st) != 0 {
		t.Errorf("dispatcher targets %v after the remove, want none", st)
	}
}
