package pgstore_test

import (
	"context"
	"testing"

	"github.com/vigilhealth/vigil/internal/notify/targetstore"
	"github.com/vigilhealth/vigil/internal/notify/targetstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

func openNotifyTargets(t *testing.T, key string) targetstore.Store {
	s := pgtest.Open(t, key, pgstore.Options{}).NotifyTargets()
	t.Cleanup(func() { s.Close() })
	return s
}

// TestNotifyTargets runs the suite the data folder's file passes.
func TestNotifyTargets(t *testing.T) {
	storetest.Run(t, openNotifyTargets)
}

// TestNotifyTargetsShared: a target one node adds, another sees at its
// next look, by the generation it reads.
func TestNotifyTargetsShared(t *testing.T) {
	ctx, key := context.Background(), t.TempDir()
	api, detect := openNotifyTargets(t, key), openNotifyTargets(t, key)
	tg := storetest.Webhook(t, "SOC hook")
	gen, err := api.Add(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if g, err := detect.Generation(ctx); err != nil || g != gen {
		t.Fatalf("the other node reads generation %d (%v), want %d", g, err, gen)
	}
	ts, _, err := detect.List(ctx)
	if err != nil || len(ts) != 1 || ts[0].URL != tg.URL || ts[0].HeadersEnv["Authorization"] != "VIGIL_HOOK_AUTH" {
		t.Fatalf("the other node lists %+v (%v), want the hook", ts, err)
	}
	if _, _, err := detect.Remove(ctx, tg.ID); err != nil {
		t.Fatal(err)
	}
	if ts, g, err := api.List(ctx); err != nil || len(ts) != 0 || g != gen+1 {
		t.Errorf("after the other node's remove: %d targets at %d (%v), want none at %d", len(ts), g, err, gen+1)
	}
}
