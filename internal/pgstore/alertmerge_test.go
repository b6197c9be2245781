package pgstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

var mt0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// mAlert is alert id on host in incident inc, seen at.
func mAlert(id, host, inc string, at time.Duration) *alert.Alert {
	return &alert.Alert{ID: id, RuleID: "r-" + id, Level: "high", Host: host, Count: 1, FirstSeen: mt0.Add(at), LastSeen: mt0.Add(at), IncidentID: inc, Status: alert.StatusOpen}
}

// mIncident is incident id of host holding alerts, first seen at.
func mIncident(id, host, level string, at time.Duration, alerts ...string) *alert.Incident {
	return &alert.Incident{ID: id, Title: "t-" + id, Level: level, Hosts: []string{host}, AlertIDs: alerts, FirstSeen: mt0.Add(at), LastSeen: mt0.Add(at + time.Minute), Status: alert.StatusOpen}
}

// partitioned is a store with partitions 1 and 2 claimed under epoch 1,
// each with an incident: A (WS1, a1) and the later B (SRV2, b1).
func partitioned(t *testing.T) *pgstore.AlertStore {
	t.Helper()
	s := pgtest.Open(t, t.TempDir(), pgstore.Options{}).Alerts()
	for p := 1; p <= 2; p++ {
		if _, _, err := s.ClaimPartition(context.Background(), p, 1); err != nil {
			t.Fatal(err)
		}
	}
	commitP(t, s, 1, 1, []*alert.Alert{mAlert("a1", "WS1", "A", 0)}, []*alert.Incident{mIncident("A", "WS1", "medium", 0, "a1")})
	commitP(t, s, 2, 1, []*alert.Alert{mAlert("b1", "SRV2", "B", time.Minute)}, []*alert.Incident{mIncident("B", "SRV2", "critical", time.Minute, "b1")})
	return s
}

func commitP(t *testing.T, s *pgstore.AlertStore, p int, seq uint64, as []*alert.Alert, is []*alert.Incident) {
	t.Helper()
	if err := s.CommitPartition(context.Background(), p, 1, seq, nil, as, is); err != nil {
		t.Fatalf("commit partition %d at %d: %v", p, seq, err)
	}
}

func getInc(t *testing.T, s *pgstore.AlertStore, id string) *alert.Incident {
	t.Helper()
	inc, err := s.Incident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func incidentOf(t *testing.T, s *pgstore.AlertStore, alertID string) string {
	t.Helper()
	a, err := s.Alert(context.Background(), alertID)
	if err != nil {
		t.Fatal(err)
	}
	return a.IncidentID
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMergeIncidents(t *testing.T) {
	s := partitioned(t)
	ctx := context.Background()
	if err := s.MergeIncidents(ctx, "A", []string{"B"}, mt0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a, b := getInc(t, s, "A"), getInc(t, s, "B")
	checks := []struct {
		what      string
		got, want any
	}{
		{"kept alert ids", a.AlertIDs, []string{"a1", "b1"}},
		{"kept hosts", a.Hosts, []string{"WS1", "SRV2"}},
		{"kept span", a.LastSeen, mt0.Add(2 * time.Minute)},
		{"kept title", a.Level + " " + a.Title, "critical t-B"},
		{"kept note", len(a.History), 1},
		{"merged into", b.MergedInto, "A"},
		{"merged note", len(b.History), 1},
		{"b1's incident", incidentOf(t, s, "b1"), "A"},
		{"a1's incident", incidentOf(t, s, "a1"), "A"},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
	as, err := s.Alerts(ctx, alert.Query{IncidentID: "A"})
	if err != nil || len(as) != 2 {
		t.Errorf("alerts of A: %d (%v), want 2", len(as), err)
	}
	before := jsonOf(t, []any{getInc(t, s, "A"), getInc(t, s, "B")})
	if err := s.MergeIncidents(ctx, "A", []string{"B"}, mt0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if after := jsonOf(t, []any{getInc(t, s, "A"), getInc(t, s, "B")}); after != before {
		t.Errorf("a merge applied twice changed the incidents:\n%s\n%s", before, after)
	}
}

func TestMergeIncidentsErrors(t *testing.T) {
	s := partitioned(t)
	ctx := context.Background()
	if err := s.MergeIncidents(ctx, "nope", []string{"B"}, mt0); err == nil {
		t.Error("a merge into an unknown incident succeeded")
	}
	if getInc(t, s, "B").MergedInto != "" {
		t.Error("a failed merge left B merged")
	}
	// into merged meanwhile stands for the incident it went into.
	if err := s.MergeIncidents(ctx, "A", []string{"B"}, mt0); err != nil {
		t.Fatal(err)
	}
	commitP(t, s, 1, 2, []*alert.Alert{mAlert("c1", "WS3", "C", 2*time.Minute)}, []*alert.Incident{mIncident("C", "WS3", "low", 2*time.Minute, "c1")})
	if err := s.MergeIncidents(ctx, "B", []string{"C"}, mt0); err != nil {
		t.Fatal(err)
	}
	if got := getInc(t, s, "C").MergedInto; got != "A" {
		t.Errorf("C merged into %q through merged B, want A", got)
	}
}

// TestCommitFoldsIntoMerge: detect nodes that still hold the incidents as
// they were before the merge commit new alerts to them: what they add
// lands in the incident kept, merged_into stays, and nothing the merge
// brought is lost.
func TestCommitFoldsIntoMerge(t *testing.T) {
	s := partitioned(t)
	if err := s.MergeIncidents(context.Background(), "A", []string{"B"}, mt0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Partition 2 still holds B, unmerged, and adds b2 to it.
	stale := mIncident("B", "SRV2", "critical", time.Minute, "b1", "b2")
	stale.LastSeen = mt0.Add(10 * time.Minute)
	commitP(t, s, 2, 2, []*alert.Alert{mAlert("b1", "SRV2", "B", time.Minute), mAlert("b2", "SRV2", "B", 10*time.Minute)}, []*alert.Incident{stale})
	// Partition 1 still holds A without B's alerts, and adds a2 to it.
	commitP(t, s, 1, 2, []*alert.Alert{mAlert("a2", "WS1", "A", 5*time.Minute)}, []*alert.Incident{mIncident("A", "WS1", "medium", 0, "a1", "a2")})
	a, b := getInc(t, s, "A"), getInc(t, s, "B")
	if !slices.Equal(a.AlertIDs, []string{"a1", "a2", "b1", "b2"}) && !slices.Equal(a.AlertIDs, []string{"a1", "b1", "b2", "a2"}) {
		t.Errorf("A's alerts %v, want a1, a2, b1 and b2", a.AlertIDs)
	}
	if !slices.Contains(a.Hosts, "SRV2") || a.Level != "critical" || !a.LastSeen.Equal(mt0.Add(10*time.Minute)) {
		t.Errorf("A lost what the merge brought: %+v", a)
	}
	if b.MergedInto != "A" || !slices.Equal(b.AlertIDs, []string{"b1"}) {
		t.Errorf("B after a stale commit: merged into %q, alerts %v; want A and b1 only", b.MergedInto, b.AlertIDs)
	}
	for _, id := range []string{"a1", "a2", "b1", "b2"} {
		if got := incidentOf(t, s, id); got != "A" {
			t.Errorf("alert %s names incident %s, want A", id, got)
		}
	}
	// A node's own merge (B into B2) after the linker's keeps the linker's.
	mergedByNode := mIncident("B", "SRV2", "critical", time.Minute, "b1", "b2")
	mergedByNode.MergedInto = "B2"
	commitP(t, s, 2, 3, nil, []*alert.Incident{mergedByNode, mIncident("B2", "SRV2", "high", 0, "b1", "b2")})
	if got := getInc(t, s, "B").MergedInto; got != "A" {
		t.Errorf("B merged into %q after the node merged it into B2, want A kept", got)
	}
}

// TestMergeRacesCommit: merges and commits to the merged incident run at
// once, many times; in the end every alert names the incident kept,
// which lists it, and no merge is undone.
func TestMergeRacesCommit(t *testing.T) {
	s := pgtest.Open(t, t.TempDir(), pgstore.Options{MaxConns: 8}).Alerts()
	ctx := context.Background()
	for p := 1; p <= 2; p++ {
		if _, _, err := s.ClaimPartition(ctx, p, 1); err != nil {
			t.Fatal(err)
		}
	}
	const rounds = 20
	for r := range rounds {
		a, b := fmt.Sprintf("A%02d", r), fmt.Sprintf("B%02d", r)
		commitP(t, s, 1, uint64(2*r+1), []*alert.Alert{mAlert(a+"-1", "WS1", a, 0)}, []*alert.Incident{mIncident(a, "WS1", "high", 0, a+"-1")})
		commitP(t, s, 2, uint64(2*r+1), []*alert.Alert{mAlert(b+"-1", "SRV2", b, time.Minute)}, []*alert.Incident{mIncident(b, "SRV2", "high", time.Minute, b+"-1")})
		var wg sync.WaitGroup
		errs := make([]error, 3)
		wg.Go(func() { errs[0] = s.MergeIncidents(ctx, a, []string{b}, mt0) })
		wg.Go(func() {
			errs[1] = s.CommitPartition(ctx, 2, 1, uint64(2*r+2), nil,
				[]*alert.Alert{mAlert(b+"-2", "SRV2", b, 2*time.Minute)}, []*alert.Incident{mIncident(b, "SRV2", "high", time.Minute, b+"-1", b+"-2")})
		})
		wg.Go(func() {
			errs[2] = s.CommitPartition(ctx, 1, 1, uint64(2*r+2), nil,
				[]*alert.Alert{mAlert(a+"-2", "WS1", a, 3*time.Minute)}, []*alert.Incident{mIncident(a, "WS1", "high", 0, a+"-1", a+"-2")})
		})
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, call %d: %v", r, i, err)
			}
		}
		kept := getInc(t, s, a)
		if getInc(t, s, b).MergedInto != a {
			t.Fatalf("round %d: %s not merged into %s", r, b, a)
		}
		for _, id := range []string{a + "-1", a + "-2", b + "-1", b + "-2"} {
			if got := incidentOf(t, s, id); got != a || !slices.Contains(kept.AlertIDs, id) {
				t.Errorf("round %d: alert %s names %s (want %s), kept incident lists %v", r, id, got, a, kept.AlertIDs)
			}
		}
	}
}
