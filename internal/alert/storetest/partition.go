package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// PartitionOpener returns the partitioned store kept in dir, as Opener.
type PartitionOpener func(t *testing.T, dir string) alert.PartitionStore

// RunPartition runs the cases of alert.PartitionStore, for a store shared
// by detector nodes; a store that implements it runs Run too.
func RunPartition(t *testing.T, open PartitionOpener) {
	tests := []struct {
		name string
		fn   func(*testing.T, PartitionOpener)
	}{
		{"ClaimAndResume", testClaimResume},
		{"Fencing", testFencing},
		{"CommitErrors", testPartitionErrors},
		{"KeepsPeople", testPartitionKeepsPeople},
		{"ReplayByNewEpoch", testReplayByNewEpoch},
		{"ConcurrentPartitions", testConcurrentPartitions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

func openPartitioned(t *testing.T, open PartitionOpener) (alert.PartitionStore, string) {
	t.Helper()
	dir := t.TempDir()
	s := open(t, dir)
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func claim(t *testing.T, s alert.PartitionStore, p int, epoch uint64) (uint64, []byte) {
	t.Helper()
	seq, state, err := s.ClaimPartition(context.Background(), p, epoch)
	if err != nil {
		t.Fatalf("ClaimPartition(%d, epoch %d): %v", p, epoch, err)
	}
	return seq, state
}

func commitPart(t *testing.T, s alert.PartitionStore, p int, epoch, seq uint64, state string, as []*alert.Alert, is []*alert.Incident) {
	t.Helper()
	if err := s.CommitPartition(context.Background(), p, epoch, seq, []byte(state), as, is); err != nil {
		t.Fatalf("CommitPartition(%d, epoch %d, seq %d): %v", p, epoch, seq, err)
	}
}

// testClaimResume: a claim returns what the partition last committed,
// across a reopen, and partitions are independent of each other and of
// the single-process Position.
func testClaimResume(t *testing.T, open PartitionOpener) {
	dir := t.TempDir()
	s := open(t, dir)
	if seq, state := claim(t, s, 3, 7); seq != 0 || state != nil {
		t.Fatalf("first claim of a partition: seq %d, state %q; want 0 and nil", seq, state)
	}
	claim(t, s, 4, 7)
	commitPart(t, s, 3, 7, 120, "windows@120", []*alert.Alert{newAlert("a1", "r1", "high", "WS1", "open", 0)}, []*alert.Incident{newIncident("i1", "high", 0, "a1")})
	commitPart(t, s, 3, 7, 120, "windows@120", nil, nil) // the same sequence again changes nothing
	commitPart(t, s, 4, 7, 9, "", nil, nil)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	tests := []struct {
		p     int
		epoch uint64
		seq   uint64
		state string
	}{
		{3, 7, 120, "windows@120"}, // the same epoch may claim again (after a failed batch)
		{3, 8, 120, "windows@120"},
		{4, 9, 9, ""},
		{5, 1, 0, ""},
	}
	for _, tc := range tests {
		if seq, state := claim(t, s, tc.p, tc.epoch); seq != tc.seq || string(state) != tc.state {
			t.Errorf("claim of partition %d at epoch %d: seq %d, state %q; want %d, %q", tc.p, tc.epoch, seq, state, tc.seq, tc.state)
		}
	}
	if p := position(t, s); p != 0 {
		t.Errorf("Position %d after partition commits only, want 0", p)
	}
	sameItem(t, "alert committed by a partition", getAlert(t, s, "a1"), newAlert("a1", "r1", "high", "WS1", "open", 0))
}

// testFencing: once a later epoch claims a partition, the earlier one
// can neither commit nor claim it again, and its refused commit leaves
// nothing behind.
func testFencing(t *testing.T, open PartitionOpener) {
	s, _ := openPartitioned(t, open)
	ctx := context.Background()
	claim(t, s, 0, 1)
	commitPart(t, s, 0, 1, 10, "s10", []*alert.Alert{newAlert("a1", "r1", "high", "WS1", "open", 0)}, nil)
	claim(t, s, 0, 2)
	late := newAlert("a1", "r1", "high", "WS1", "open", time.Minute)
	late.Count = 50
	err := s.CommitPartition(ctx, 0, 1, 20, []byte("s20"), []*alert.Alert{late, newAlert("a2", "r2", "low", "WS1", "open", 0)}, nil)
	if !errors.Is(err, alert.ErrFenced) {
		t.Fatalf("commit by the fenced epoch 1: %v, want ErrFenced", err)
	}
	if _, _, err := s.ClaimPartition(ctx, 0, 1); !errors.Is(err, alert.ErrFenced) {
		t.Fatalf("claim by the earlier epoch 1 after epoch 2: %v, want ErrFenced", err)
	}
	if a := getAlert(t, s, "a1"); a.Count != 3 {
		t.Fatalf("the fenced commit changed alert a1: count %d, want 3", a.Count)
	}
	if n, _, _ := s.Count(ctx); n != 1 {
		t.Fatalf("the fenced commit added alerts: %d stored, want 1", n)
	}
	if seq, state := claim(t, s, 0, 2); seq != 10 || string(state) != "s10" {
		t.Fatalf("after the fenced commit the partition is at %d (%q), want 10 (s10)", seq, state)
	}
}

func testPartitionErrors(t *testing.T, open PartitionOpener) {
	s, _ := openPartitioned(t, open)
	ctx := context.Background()
	claim(t, s, 1, 5)
	commitPart(t, s, 1, 5, 100, "", nil, nil)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		p      int
		epoch  uint64
		seq    uint64
		alerts []*alert.Alert
	}{
		{"never claimed", ctx, 2, 5, 1, nil},
		{"an epoch that has not claimed", ctx, 1, 6, 101, nil},
		{"sequence going back", ctx, 1, 5, 99, nil},
		{"alert without id", ctx, 1, 5, 101, []*alert.Alert{{RuleID: "r"}}},
		{"cancelled context", cancelled, 1, 5, 101, []*alert.Alert{newAlert("a9", "r", "low", "h", "open", 0)}},
	}
	for _, tc := range tests {
		if err := s.CommitPartition(tc.ctx, tc.p, tc.epoch, tc.seq, nil, tc.alerts, nil); err == nil {
			t.Errorf("%s: CommitPartition accepted it", tc.name)
		}
	}
	if seq, _ := claim(t, s, 1, 5); seq != 100 {
		t.Fatalf("partition 1 at %d after refused commits, want 100", seq)
	}
	if n, _, _ := s.Count(ctx); n != 0 {
		t.Fatalf("refused commits stored %d alerts", n)
	}
}

// testPartitionKeepsPeople: a detector node's commit keeps what a person
// changed, as Commit does.
func testPartitionKeepsPeople(t *testing.T, open PartitionOpener) {
	s, _ := openPartitioned(t, open)
	claim(t, s, 0, 1)
	commitPart(t, s, 0, 1, 1, "", []*alert.Alert{newAlert("a1", "r1", "high", "WS1", "open", 0)}, nil)
	updateAlert(t, s, "a1", alert.Change{Status: "closed", Reason: "benign", By: "soc1", At: noon})
	again := newAlert("a1", "r1", "high", "WS1", "open", time.Minute)
	again.Count = 4
	commitPart(t, s, 0, 1, 2, "", []*alert.Alert{again}, nil)
	got := getAlert(t, s, "a1")
	if got.Count != 4 || got.Status != "open" || len(got.History) != 2 || got.History[1].Action != "reopened" {
		t.Fatalf("a closed alert counted again by a partition commit: %+v", got)
	}
}

// testReplayByNewEpoch: a detector node commits part of its work and is
// replaced; its later commit is fenced, the new owner resumes from the
// committed sequence with a Deduper restored from the store and processes
// the rest again. The result is exactly what one node processing
// everything commits: the same alert ids, counts and incidents, none
// twice.
func testReplayByNewEpoch(t *testing.T, open PartitionOpener) {
	s, _ := openPartitioned(t, open)
	ctx := context.Background()
	dets := replayDetections()
	const cut = 7
	want := runDetections(alert.NewDeduper(15*time.Minute, time.Hour), dets)

	old := alert.NewDeduper(15*time.Minute, time.Hour)
	claim(t, s, 0, 1)
	as, is := runDetections(old, dets[:cut]).items()
	commitPart(t, s, 0, 1, cut, "old@7", as, is)
	as, is = runDetections(old, dets[cut:]).items()

	seq, state := claim(t, s, 0, 2) // the replacement claims while the old node works on
	if err := s.CommitPartition(ctx, 0, 1, uint64(len(dets)), nil, as, is); !errors.Is(err, alert.ErrFenced) {
		t.Fatalf("the replaced node's late commit: %v, want ErrFenced", err)
	}
	if seq != cut || string(state) != "old@7" {
		t.Fatalf("the replacement resumes at %d (%q), want %d", seq, state, cut)
	}
	repl := alert.NewDeduper(15*time.Minute, time.Hour)
	if err := repl.RestoreFrom(ctx, s); err != nil {
		t.Fatal(err)
	}
	as, is = runDetections(repl, dets[seq:]).items()
	commitPart(t, s, 0, 2, uint64(len(dets)), "new@end", as, is)

	wantA, wantI := want.items()
	if len(wantA) < 4 || len(wantI) < 2 {
		t.Fatalf("the reference run made %d alerts and %d incidents: too few to test a replay", len(wantA), len(wantI))
	}
	gotA := alerts(t, s, alert.Query{})
	gotI := incidents(t, s, 0)
	if len(gotA) != len(wantA) || len(gotI) != len(wantI) {
		t.Fatalf("after the replay: %d alerts and %d incidents, want %d and %d", len(gotA), len(gotI), len(wantA), len(wantI))
	}
	for _, a := range gotA {
		sameItem(t, "alert "+a.ID+" after the replay", a, want.alerts[a.ID])
	}
	for _, inc := range gotI {
		sameItem(t, "incident "+inc.ID+" after the replay", inc, want.incidents[inc.ID])
	}
}

// replayDetections are two hosts' and users' detections over an hour, crossing
// window boundaries, one a minute.
func replayDetections() []alert.Detection {
	var dets []alert.Detection
	for i := range 40 {
		host, rule, user := "WS1", "r1", "alice"
		if i%3 == 0 {
			host, rule, user = "WS2", "r2", "bob"
		}
		dets = append(dets, alert.Detection{
			RuleID: rule, RuleTitle: "Rule " + rule, Level: "high", Host: host, User: user,
			Time: base.Add(time.Duration(i) * 97 * time.Second), Record: uint64(i + 1),
			Event: map[string]any{"EventID": "4688"},
		})
	}
	return dets
}

// changed is what a run of detections changed, latest version by id.
type changed struct {
	alerts    map[string]*alert.Alert
	incidents map[string]*alert.Incident
}

func runDetections(d *alert.Deduper, dets []alert.Detection) changed {
	c := changed{map[string]*alert.Alert{}, map[string]*alert.Incident{}}
	for _, det := range dets {
		as, is := d.Add(det)
		for _, a := range as {
			c.alerts[a.ID] = cloneAlert(a)
		}
		for _, inc := range is {
			c.incidents[inc.ID] = cloneIncident(inc)
		}
	}
	return c
}

func (c changed) items() ([]*alert.Alert, []*alert.Incident) {
	as := slices.Collect(maps.Values(c.alerts))
	is := slices.Collect(maps.Values(c.incidents))
	return as, is
}

func cloneAlert(a *alert.Alert) *alert.Alert {
	c := *a
	c.Tags, c.Records, c.History = slices.Clone(a.Tags), slices.Clone(a.Records), slices.Clone(a.History)
	c.Event = maps.Clone(a.Event)
	return &c
}

func cloneIncident(inc *alert.Incident) *alert.Incident {
	c := *inc
	c.Hosts, c.Users, c.AlertIDs = slices.Clone(inc.Hosts), slices.Clone(inc.Users), slices.Clone(inc.AlertIDs)
	c.Entities, c.History = slices.Clone(inc.Entities), slices.Clone(inc.History)
	return &c
}

// testConcurrentPartitions: nodes commit their partitions at once, all
// touching one shared incident; every commit lands, none deadlocks.
func testConcurrentPartitions(t *testing.T, open PartitionOpener) {
	s, _ := openPartitioned(t, open)
	const parts, batches = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, parts)
	for p := range parts {
		claim(t, s, p, 1)
		wg.Go(func() {
			for b := range batches {
				a := newAlert(fmt.Sprintf("p%d-%02d", p, b), "r", "low", fmt.Sprintf("WS%d", p), "open", time.Duration(b)*time.Second)
				shared := newIncident("shared", "low", time.Duration(b)*time.Second, a.ID)
				own := newIncident(fmt.Sprintf("own-%d", p), "low", 0, a.ID)
				if err := s.CommitPartition(context.Background(), p, 1, uint64(b+1), nil, []*alert.Alert{a}, []*alert.Incident{shared, own}); err != nil {
					errs <- fmt.Errorf("partition %d batch %d: %w", p, b, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if a, i, err := s.Count(context.Background()); err != nil || a != parts*batches || i != parts+1 {
		t.Fatalf("after concurrent commits: %d alerts, %d incidents (%v); want %d and %d", a, i, err, parts*batches, parts+1)
	}
}
