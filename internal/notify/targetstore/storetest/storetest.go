// Package storetest is the test suite every targetstore.Store must pass:
// the data folder's file and PostgreSQL alike.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/notify/targetstore"
)

// Opener opens a Store on key: the same key, the same targets (a data
// folder, a database schema). The Store is closed when the test ends.
type Opener func(t *testing.T, key string) targetstore.Store

var at = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// Webhook returns a valid webhook target named name, with a header.
func Webhook(t *testing.T, name string) targetstore.Target {
	t.Helper()
	tg, err := targetstore.New(targetstore.Target{Name: name, Kind: targetstore.KindWebhook,
		URL: "https://soc.example.nhs.uk/hooks/vigil?token=s3cret", HeadersEnv: map[string]string{"Authorization": "VIGIL_HOOK_AUTH"}}, "admin", at)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// Syslog returns a valid syslog target named name.
func Syslog(t *testing.T, name string) targetstore.Target {
	t.Helper()
	tg, err := targetstore.New(targetstore.Target{Name: name, Kind: targetstore.KindSyslog, Network: "tcp",
		Addr: "siem.example.nhs.uk:514", MinLevel: "critical"}, "alice", at)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// Run runs every case against the Stores open gives.
func Run(t *testing.T, open Opener) {
	for _, c := range []struct {
		name string
		run  func(*testing.T, Opener)
	}{
		{"Empty", testEmpty},
		{"AddListRemove", testAddListRemove},
		{"Refusals", testRefusals},
		{"Reopen", testReopen},
		{"CallerOwnsResults", testCallerOwns},
		{"ConcurrentAdds", testConcurrentAdds},
		{"Closed", testClosed},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, open) })
	}
}

func must[T any](t *testing.T, what string) func(T, error) T {
	t.Helper()
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

func list(t *testing.T, s targetstore.Store) ([]targetstore.Target, uint64) {
	t.Helper()
	ts, gen, err := s.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return ts, gen
}

func ids(ts []targetstore.Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func testEmpty(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	ts, gen := list(t, s)
	if len(ts) != 0 || gen != 0 {
		t.Errorf("new store holds %v at generation %d, want none at 0", ts, gen)
	}
	if g := must[uint64](t, "Generation")(s.Generation(context.Background())); g != 0 {
		t.Errorf("Generation %d, want 0", g)
	}
}

func testAddListRemove(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	a, b, c := Webhook(t, "SOC hook"), Syslog(t, "SIEM"), Webhook(t, "Second hook")
	for i, tg := range []targetstore.Target{a, b, c} {
		if gen := must[uint64](t, "Add")(s.Add(ctx, tg)); gen != uint64(i+1) {
			t.Errorf("Add %s: generation %d, want %d", tg.Name, gen, i+1)
		}
	}
	ts, gen := list(t, s)
	if !slices.Equal(ids(ts), []string{a.ID, b.ID, c.ID}) || gen != 3 {
		t.Fatalf("List %v at %d, want the three in order at 3", ids(ts), gen)
	}
	for i, want := range []targetstore.Target{a, b, c} {
		if got := ts[i]; got.Name != want.Name || got.URL != want.URL || got.MinLevel != want.MinLevel || got.Addr != want.Addr ||
			got.Network != want.Network || !got.CreatedAt.Equal(want.CreatedAt) || got.CreatedBy != want.CreatedBy ||
			fmt.Sprint(got.HeadersEnv) != fmt.Sprint(want.HeadersEnv) {
			t.Errorf("target %d read back as %+v, want %+v", i, got, want)
		}
	}
	gone, gen, err := s.Remove(ctx, b.ID)
	if err != nil || gone.ID != b.ID || gone.Name != "SIEM" || gen != 4 {
		t.Fatalf("Remove: %+v at %d (%v), want SIEM at 4", gone, gen, err)
	}
	if _, _, err := s.Remove(ctx, b.ID); !errors.Is(err, targetstore.ErrNotFound) {
		t.Errorf("Remove again: %v, want ErrNotFound", err)
	}
	ts, gen = list(t, s)
	if !slices.Equal(ids(ts), []string{a.ID, c.ID}) || gen != 4 {
		t.Errorf("after Remove %v at %d, want two at 4 (a refused remove changes nothing)", ids(ts), gen)
	}
	if g := must[uint64](t, "Generation")(s.Generation(ctx)); g != 4 {
		t.Errorf("Generation %d, want 4", g)
	}
}

func testRefusals(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	a := Webhook(t, "SOC hook")
	must[uint64](t, "Add")(s.Add(ctx, a))
	if _, err := s.Add(ctx, a); err == nil {
		t.Error("a second target with one ID was stored")
	}
	bad := Webhook(t, "plain http")
	bad.URL = "http://soc.example.nhs.uk/hook"
	var fe *targetstore.FieldError
	if _, err := s.Add(ctx, bad); !errors.As(err, &fe) || fe.Field != "url" {
		t.Errorf("Add of an http URL: %v, want a field error on url", err)
	}
	if ts, gen := list(t, s); len(ts) != 1 || gen != 1 {
		t.Errorf("after refusals %d targets at %d, want 1 at 1", len(ts), gen)
	}
}

func testReopen(t *testing.T, open Opener) {
	ctx := context.Background()
	key := t.TempDir()
	s := open(t, key)
	a, b := Webhook(t, "SOC hook"), Syslog(t, "SIEM")
	must[uint64](t, "Add")(s.Add(ctx, a))
	must[uint64](t, "Add")(s.Add(ctx, b))
	if _, _, err := s.Remove(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	again := open(t, key)
	ts, gen := list(t, again)
	if !slices.Equal(ids(ts), []string{b.ID}) || gen != 3 {
		t.Errorf("reopened: %v at %d, want SIEM at 3", ids(ts), gen)
	}
}

func testCallerOwns(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	a := Webhook(t, "SOC hook")
	must[uint64](t, "Add")(s.Add(ctx, a))
	a.HeadersEnv["Authorization"] = "CHANGED_AFTER_ADD"
	ts, _ := list(t, s)
	ts[0].HeadersEnv["Authorization"] = "CHANGED_AFTER_LIST"
	ts[0].Name = "changed"
	again, _ := list(t, s)
	if got := again[0]; got.Name != "SOC hook" || got.HeadersEnv["Authorization"] != "VIGIL_HOOK_AUTH" {
		t.Errorf("store changed by its caller: %+v", got)
	}
}

func testConcurrentAdds(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		tg := Webhook(t, fmt.Sprintf("hook %d", i))
		wg.Go(func() {
			_, err := s.Add(ctx, tg)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if ts, gen := list(t, s); len(ts) != n || gen != n {
		t.Errorf("%d targets at %d after %d concurrent adds, want %d at %d", len(ts), gen, n, n, n)
	}
}

func testClosed(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	s.Close()
	if _, _, err := s.List(ctx); !errors.Is(err, targetstore.ErrClosed) {
		t.Errorf("List after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Add(ctx, Webhook(t, "late")); !errors.Is(err, targetstore.ErrClosed) {
		t.Errorf("Add after Close: %v, want ErrClosed", err)
	}
}
