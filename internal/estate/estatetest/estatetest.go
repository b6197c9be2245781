// Package estatetest is the test suite every estate.Store must pass, the
// data folder's files and PostgreSQL alike, so that the risk register and
// the learned assets read back the same wherever they are kept.
package estatetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// Opener returns the store kept at dir (a folder, or a name for a
// database schema); opening dir again after Close gives back what was
// kept there.
type Opener func(t *testing.T, dir string) estate.Store

// Run runs the suite.
func Run(t *testing.T, open Opener) {
	sharedtest.RunSuite(t, open, []sharedtest.SuiteCase[Opener]{
		{Name: "Empty", Fn: testEmpty},
		{Name: "RegisterRoundTrip", Fn: testRegisterRoundTrip},
		{Name: "RegisterReplace", Fn: testRegisterReplace},
		{Name: "RegisterAllOrNothing", Fn: testRegisterAllOrNothing},
		{Name: "Learned", Fn: testLearned},
		{Name: "LearnedPerNode", Fn: testLearnedPerNode},
		{Name: "LearnedMerged", Fn: testLearnedMerged},
		{Name: "LearnedAgeOut", Fn: testLearnedAgeOut},
		{Name: "Concurrent", Fn: testConcurrent},
		{Name: "Cancelled", Fn: testCancelled},
		{Name: "Closed", Fn: testClosed},
	})
}

var ctx = context.Background()

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// entry is a full register entry, every field set.
func entry(asset string) estate.RegisterEntry {
	return estate.RegisterEntry{Asset: asset, Reason: "runs the PACS modality software: no supported version",
		Mitigation: "own VLAN, no internet; extended support\nreviewed: \"quarterly\"", Owner: "Head of Imaging",
		SupportEnd: date(2020, 1, 14), Review: date(2026, 6, 30), BoardApproved: date(2025, 11, 3)}
}

func register(t *testing.T, s estate.Store) []estate.RegisterEntry {
	t.Helper()
	r, err := s.Register(ctx)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if r == nil {
		t.Fatal("Register returned nil and no error")
	}
	return r.Entries
}

func put(t *testing.T, s estate.Store, es ...estate.RegisterEntry) {
	t.Helper()
	if err := s.PutRegisterEntries(ctx, es...); err != nil {
		t.Fatalf("PutRegisterEntries: %v", err)
	}
}

func closeStore(t *testing.T, s estate.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func testEmpty(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	if es := register(t, s); len(es) != 0 {
		t.Fatalf("a new store's register holds %+v", es)
	}
	assets, ok, err := s.Learned(ctx)
	if err != nil || ok || len(assets) != 0 {
		t.Fatalf("a new store's learned assets: %+v, %v, %v; want none, false, nil", assets, ok, err)
	}
}

func testRegisterRoundTrip(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	// Late in the evening a zone ahead of UTC: the entry keeps the day the
	// time has in its own zone, as the file's YYYY-MM-DD does.
	late := time.Date(2027, 3, 31, 23, 30, 0, 5, time.FixedZone("", 2*3600))
	odd := estate.RegisterEntry{Asset: "  10.20.0.7 ", Owner: "Estates", SupportEnd: late}
	put(t, s, entry("PACS-01"), estate.RegisterEntry{Asset: "MRI-CTRL"}, odd)
	want := []estate.RegisterEntry{entry("PACS-01"), {Asset: "MRI-CTRL"}, {Asset: "10.20.0.7", Owner: "Estates", SupportEnd: date(2027, 3, 31)}}
	sharedtest.SameJSON(t, "register read back", register(t, s), want)
	closeStore(t, s)
	s = open(t, dir)
	defer s.Close()
	sharedtest.SameJSON(t, "register after reopening", register(t, s), want)
}

func testRegisterReplace(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	put(t, s, entry("PACS-01"), entry("LAB-PC7"))
	approved := entry("pacs-01.trust.nhs.uk") // the same asset, by its full name
	approved.BoardApproved, approved.Review = date(2026, 1, 20), date(2027, 1, 20)
	put(t, s, approved)
	sharedtest.SameJSON(t, "register after a replacement", register(t, s), []estate.RegisterEntry{approved, entry("LAB-PC7")})
	// Two entries for one asset in one call: the later stands.
	a, b := entry("XRAY-2"), entry("xray-2")
	b.Owner = "Radiology"
	put(t, s, a, b)
	got := register(t, s)
	sharedtest.SameJSON(t, "register after two entries for one asset", got, []estate.RegisterEntry{approved, entry("LAB-PC7"), b})
}

func testRegisterAllOrNothing(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	put(t, s, entry("PACS-01"))
	changed := entry("PACS-01")
	changed.Owner = "someone else"
	if err := s.PutRegisterEntries(ctx, changed, entry("NEW-1"), estate.RegisterEntry{Asset: "  ", Owner: "x"}); err == nil {
		t.Fatal("PutRegisterEntries accepted an entry without an asset")
	}
	sharedtest.SameJSON(t, "register after a refused call", register(t, s), []estate.RegisterEntry{entry("PACS-01")})
}

func assets(n int) []estate.Asset {
	seen := time.Date(2025, 3, 4, 10, 0, 0, 123456789, time.FixedZone("BST", 3600))
	var out []estate.Asset
	for i := range n {
		out = append(out, estate.Asset{Name: fmt.Sprintf("WS%03d.trust.nhs.uk", i), Vendor: "Dell", Product: "OptiPlex",
			OS: "Windows 10 Enterprise", OSVersion: "10.0.19045", IP: fmt.Sprint("10.0.0.", i), Owner: "IT", Location: "Ward 7",
			Software: []estate.Software{{Vendor: "Microsoft Corporation", Product: "Microsoft Office", Version: "16.0.1", Path: `C:\Program Files\Office\winword.exe`}},
			Sources:  []string{"events"}, FirstSeen: seen, LastSeen: seen.Add(time.Duration(i) * time.Minute)})
	}
	out = append(out, estate.Asset{Name: "bare"})
	return out
}

func learned(t *testing.T, s estate.Store) []estate.Asset {
	t.Helper()
	as, ok, err := s.Learned(ctx)
	if err != nil || !ok {
		t.Fatalf("Learned: ok %v, %v; want assets", ok, err)
	}
	return as
}

func testLearned(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	save(t, s, "", assets(3))
	sharedtest.SameJSON(t, "learned assets read back", learned(t, s), assets(3))
	save(t, s, "", assets(1))
	sharedtest.SameJSON(t, "learned assets after a second save", learned(t, s), assets(1))
	closeStore(t, s)
	s = open(t, dir)
	defer s.Close()
	sharedtest.SameJSON(t, "learned assets after reopening", learned(t, s), assets(1))
	save(t, s, "", nil)
	if got := learned(t, s); len(got) != 0 {
		t.Fatalf("learned assets after saving none: %+v", got)
	}
}

func testConcurrent(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	const writers, each = 4, 5
	sharedtest.Concurrently(t, writers, func(w int) error {
		for i := range each {
			if err := s.PutRegisterEntries(ctx, entry(fmt.Sprintf("HOST-%d-%d", w, i))); err != nil {
				return err
			}
		}
		// Each writer saves its own node's assets twice, and all save
		// one node's in turn.
		for r := range 2 {
			own := []estate.Asset{{Name: fmt.Sprintf("HOST-%d", w), OSVersion: fmt.Sprint(r)}}
			if err := s.SaveLearned(ctx, fmt.Sprintf("det-%d", w), own); err != nil {
				return err
			}
		}
		return s.SaveLearned(ctx, "shared", assets(w))
	})
	if es := register(t, s); len(es) != writers*each {
		t.Fatalf("%d register entries after %d concurrent puts", len(es), writers*each)
	}
	// Every node's last save, det-0 to det-3 then "shared", where
	// whichever save came last stands whole: n assets and "bare".
	got := learned(t, s)
	var want []estate.Asset
	for w := range writers {
		want = append(want, estate.Asset{Name: fmt.Sprintf("HOST-%d", w), OSVersion: "1"})
	}
	sharedtest.SameJSON(t, "learned assets after concurrent saves", got, append(want, assets(len(got)-writers-1)...))
}

func testCancelled(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	defer s.Close()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.PutRegisterEntries(cancelled, entry("PACS-01")); err == nil {
		t.Fatal("PutRegisterEntries with a cancelled context succeeded")
	}
	if err := s.SaveLearned(cancelled, "det-1", assets(1)); err == nil {
		t.Fatal("SaveLearned with a cancelled context succeeded")
	}
	if es := register(t, s); len(es) != 0 {
		t.Fatalf("a put with a cancelled context was kept: %+v", es)
	}
	if _, ok, err := s.Learned(ctx); ok || err != nil {
		t.Fatalf("a save with a cancelled context was kept (ok %v, %v)", ok, err)
	}
}

func testClosed(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	put(t, s, entry("PACS-01"))
	closeStore(t, s)
	checks := map[string]error{
		"PutRegisterEntries": s.PutRegisterEntries(ctx, entry("LAB-PC7")),
		"SaveLearned":        s.SaveLearned(ctx, "det-1", assets(1)),
	}
	_, checks["Register"] = s.Register(ctx)
	_, _, checks["Learned"] = s.Learned(ctx)
	for name, err := range checks {
		if !errors.Is(err, estate.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}
