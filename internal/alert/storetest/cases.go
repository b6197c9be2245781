package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

func testEmpty(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	if p := position(t, s); p != 0 {
		t.Fatalf("a new store is at position %d, want 0", p)
	}
	sameIDs(t, "alerts of a new store", alertIDs(alerts(t, s, alert.Query{})), nil)
	sameIDs(t, "incidents of a new store", incidentIDs(incidents(t, s, 0)), nil)
}

func testPosition(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	ctx := context.Background()
	commit(t, s, 5, []*alert.Alert{newAlert("a1", "r1", "high", "WS1", "open", 0)}, nil)
	if p := position(t, s); p != 5 {
		t.Fatalf("position %d after a commit at 5", p)
	}
	commit(t, s, 9, nil, nil) // a commit of nothing still records progress
	commit(t, s, 9, nil, nil) // and may repeat the position
	if p := position(t, s); p != 9 {
		t.Fatalf("position %d after a commit at 9", p)
	}
	if err := s.Commit(ctx, 4, []*alert.Alert{newAlert("a2", "r1", "high", "WS1", "open", 0)}, nil); err == nil {
		t.Fatal("a commit at 4 after 9 was accepted: positions must never go back")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Commit(cancelled, 12, []*alert.Alert{newAlert("a3", "r1", "high", "WS1", "open", 0)}, nil); err == nil {
		t.Fatal("a commit with a cancelled context was accepted")
	}
	if p := position(t, s); p != 9 {
		t.Fatalf("position %d after refused commits, want 9", p)
	}
	sameIDs(t, "alerts after refused commits", alertIDs(alerts(t, s, alert.Query{})), []string{"a1"})
}

func testRoundTrip(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	want := newAlert("a1", "r1", "critical", "WS1", "acknowledged", 0)
	bare := &alert.Alert{ID: "a2", RuleID: "r2", Level: "low", Host: "WS2", Count: 1, FirstSeen: base, LastSeen: base.Add(-time.Hour), Status: "open"}
	inc := newIncident("i1", "critical", 0, "a1", "a2")
	commit(t, s, 1, []*alert.Alert{want, bare}, []*alert.Incident{inc})
	got := alerts(t, s, alert.Query{})
	if len(got) != 2 {
		t.Fatalf("%d alerts, want 2", len(got))
	}
	sameItem(t, "full alert", got[0], want)
	sameItem(t, "alert with empty fields", got[1], bare)
	gotInc := incidents(t, s, 0)
	if len(gotInc) != 1 {
		t.Fatalf("%d incidents, want 1", len(gotInc))
	}
	sameItem(t, "incident", gotInc[0], inc)
}

func testUpsert(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	v1 := newAlert("a1", "r1", "medium", "WS1", "open", 0)
	commit(t, s, 1, []*alert.Alert{v1, newAlert("a2", "r2", "low", "WS2", "open", -time.Hour)}, nil)
	v2 := newAlert("a1", "r1", "medium", "WS1", "open", time.Minute)
	v2.Count, v2.Records = 40, []uint64{7, 8, 9, 10}
	commit(t, s, 2, []*alert.Alert{v2}, nil)
	got := alerts(t, s, alert.Query{})
	sameIDs(t, "alerts after an update", alertIDs(got), []string{"a1", "a2"})
	sameItem(t, "updated alert", got[0], v2)
	// Two versions in one commit: the later one wins.
	v3, v4 := *v2, *v2
	v3.Count, v4.Count = 41, 42
	commit(t, s, 3, []*alert.Alert{&v3, &v4}, nil)
	if got := alerts(t, s, alert.Query{RuleID: "r1"}); len(got) != 1 || got[0].Count != 42 {
		t.Fatalf("after two versions in one commit: %d alerts, count %d, want 1 alert of count 42", len(got), got[0].Count)
	}
}

func testFilters(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	commit(t, s, 1, []*alert.Alert{
		newAlert("info", "r1", "informational", "WS1", "open", 0),
		newAlert("low", "r1", "low", "WS1", "closed", -time.Minute),
		newAlert("med", "r2", "medium", "ws2", "open", -2*time.Minute),
		newAlert("high", "r2", "high", "WS2", "acknowledged", -3*time.Minute),
		newAlert("crit", "r3", "critical", "WS3", "open", -4*time.Minute),
		newAlert("none", "r3", "", "WS3", "open", -5*time.Minute),
	}, nil)
	tests := []struct {
		name string
		q    alert.Query
		want []string
	}{
		{"all", alert.Query{}, []string{"info", "low", "med", "high", "crit", "none"}},
		{"level informational and above", alert.Query{Level: "informational"}, []string{"info", "low", "med", "high", "crit"}},
		{"level medium and above", alert.Query{Level: "medium"}, []string{"med", "high", "crit"}},
		{"level high and above", alert.Query{Level: "high"}, []string{"high", "crit"}},
		{"level critical", alert.Query{Level: "critical"}, []string{"crit"}},
		{"rule", alert.Query{RuleID: "r2"}, []string{"med", "high"}},
		{"host, any case", alert.Query{Host: "WS2"}, []string{"med", "high"}},
		{"status", alert.Query{Status: "open"}, []string{"info", "med", "crit", "none"}},
		{"since is inclusive", alert.Query{Since: base.Add(-2 * time.Minute)}, []string{"info", "low", "med"}},
		{"until is exclusive", alert.Query{Until: base.Add(-2 * time.Minute)}, []string{"high", "crit", "none"}},
		{"since and until", alert.Query{Since: base.Add(-3 * time.Minute), Until: base.Add(-time.Minute)}, []string{"med", "high"}},
		{"combined", alert.Query{Level: "medium", Status: "open", Host: "ws3"}, []string{"crit"}},
		{"nothing matches", alert.Query{RuleID: "r9"}, nil},
	}
	for _, tc := range tests {
		sameIDs(t, tc.name, alertIDs(alerts(t, s, tc.q)), tc.want)
	}
	if _, err := s.Alerts(context.Background(), alert.Query{Level: "severe"}); err == nil {
		t.Fatal("a query for the unknown level \"severe\" was accepted")
	}
}

func testOrder(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	// Committed out of order, with a tie on LastSeen broken by ID.
	commit(t, s, 1, []*alert.Alert{newAlert("b", "r", "low", "h", "open", time.Minute), newAlert("d", "r", "low", "h", "open", -time.Hour)}, nil)
	commit(t, s, 2, []*alert.Alert{newAlert("c", "r", "low", "h", "open", 2*time.Minute), newAlert("a", "r", "low", "h", "open", time.Minute)}, nil)
	sameIDs(t, "newest first, then by ID", alertIDs(alerts(t, s, alert.Query{})), []string{"c", "a", "b", "d"})
	// Updating an alert moves it by its new LastSeen.
	commit(t, s, 3, []*alert.Alert{newAlert("d", "r", "low", "h", "open", time.Hour)}, nil)
	sameIDs(t, "after an update", alertIDs(alerts(t, s, alert.Query{})), []string{"d", "c", "a", "b"})
}

func testLimits(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	ids := numbered("a", alert.DefaultLimit+5)
	var batch []*alert.Alert
	for i, id := range ids {
		batch = append(batch, newAlert(id, "r", "low", "h", "open", time.Duration(i)*time.Second))
	}
	commit(t, s, 1, batch, nil)
	got := alerts(t, s, alert.Query{})
	if len(got) != alert.DefaultLimit || got[0].ID != ids[len(ids)-1] {
		t.Fatalf("no limit: %d alerts from %s, want the newest %d", len(got), got[0].ID, alert.DefaultLimit)
	}
	sameIDs(t, "limit 3", alertIDs(alerts(t, s, alert.Query{Limit: 3})), []string{ids[len(ids)-1], ids[len(ids)-2], ids[len(ids)-3]})
	if got := alerts(t, s, alert.Query{Limit: 5000}); len(got) != len(ids) {
		t.Fatalf("limit 5000: %d alerts, want all %d", len(got), len(ids))
	}
}

func testCount(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	ctx := context.Background()
	if a, i, err := s.Count(ctx); err != nil || a != 0 || i != 0 {
		t.Fatalf("empty store counts %d alerts, %d incidents, %v", a, i, err)
	}
	a1 := newAlert("a1", "r1", "high", "WS1", "open", 0)
	commit(t, s, 3, []*alert.Alert{a1, newAlert("a2", "r2", "low", "WS2", "open", 0)}, []*alert.Incident{{ID: "i1", Status: "open"}})
	commit(t, s, 4, []*alert.Alert{a1}, nil) // an update is not a new alert
	if a, i, err := s.Count(ctx); err != nil || a != 2 || i != 1 {
		t.Fatalf("counts %d alerts, %d incidents, %v; want 2 and 1", a, i, err)
	}
}

func testReopen(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	a1, a2 := newAlert("a1", "r1", "high", "WS1", "open", 0), newAlert("a2", "r2", "low", "WS2", "open", -time.Minute)
	inc := newIncident("i1", "high", 0, "a1", "a2")
	commit(t, s, 10, []*alert.Alert{a1, a2}, []*alert.Incident{inc})
	a1.Count = 99
	commit(t, s, 11, []*alert.Alert{a1}, nil)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = open(t, dir)
	defer s.Close()
	if p := position(t, s); p != 11 {
		t.Fatalf("position %d after reopening, want 11", p)
	}
	got := alerts(t, s, alert.Query{})
	if len(got) != 2 {
		t.Fatalf("%d alerts after reopening, want 2", len(got))
	}
	sameItem(t, "alert after reopening", got[0], a1)
	sameItem(t, "alert after reopening", got[1], a2)
	gotInc := incidents(t, s, 0)
	if len(gotInc) != 1 {
		t.Fatalf("%d incidents after reopening, want 1", len(gotInc))
	}
	sameItem(t, "incident after reopening", gotInc[0], inc)
	commit(t, s, 12, []*alert.Alert{newAlert("a3", "r3", "low", "WS3", "open", time.Hour)}, nil)
	sameIDs(t, "alerts after a commit on the reopened store", alertIDs(alerts(t, s, alert.Query{})), []string{"a3", "a1", "a2"})
}

func testIncidents(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	commit(t, s, 1, nil, []*alert.Incident{newIncident("i2", "low", -time.Hour, "a"), newIncident("i1", "high", 0, "b")})
	up := newIncident("i2", "critical", time.Hour, "a", "c")
	up.Hosts = append(up.Hosts, "WS9")
	commit(t, s, 2, nil, []*alert.Incident{up, newIncident("i3", "medium", 0, "d")})
	got := incidents(t, s, 0)
	sameIDs(t, "incidents newest first, then by ID", incidentIDs(got), []string{"i2", "i1", "i3"})
	sameItem(t, "updated incident", got[0], up)
	sameIDs(t, "incidents, limit 2", incidentIDs(incidents(t, s, 2)), []string{"i2", "i1"})
	var many []*alert.Incident
	for i, id := range numbered("m", alert.DefaultLimit+1) {
		many = append(many, newIncident(id, "low", -time.Duration(i+2)*time.Hour))
	}
	commit(t, s, 3, nil, many)
	if got := incidents(t, s, 0); len(got) != alert.DefaultLimit {
		t.Fatalf("no limit: %d incidents, want %d", len(got), alert.DefaultLimit)
	}
}

// testIncidentsSince: a query's Since keeps the incidents last seen at
// or after it, in the usual order and limit.
func testIncidentsSince(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	commit(t, s, 1, nil, []*alert.Incident{newIncident("old", "low", -2*time.Hour, "a"),
		newIncident("edge", "high", -time.Hour, "b"), newIncident("new", "medium", time.Hour, "c"), newIncident("now", "low", 0, "d")})
	tests := []struct {
		name  string
		since time.Time
		limit int
		want  []string
	}{
		{"zero since selects all", time.Time{}, 0, []string{"new", "now", "edge", "old"}},
		{"since is inclusive", base.Add(-time.Hour), 0, []string{"new", "now", "edge"}},
		{"a microsecond later leaves it out", base.Add(-time.Hour + time.Microsecond), 0, []string{"new", "now"}},
		{"limit keeps the newest", base.Add(-time.Hour), 2, []string{"new", "now"}},
		{"after every incident", base.Add(2 * time.Hour), 0, nil},
	}
	for _, tc := range tests {
		got, err := s.Incidents(context.Background(), alert.IncidentQuery{Since: tc.since, Limit: tc.limit})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		sameIDs(t, tc.name, incidentIDs(got), tc.want)
	}
}

// testIncidentsMerged: incidents merged into another are left out unless
// asked for, the limit counts only those selected, and a merged incident
// is still read by its id.
func testIncidentsMerged(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	merged := func(id string, ago time.Duration, into string) *alert.Incident {
		inc := newIncident(id, "high", -ago, id+"-a")
		inc.MergedInto = into
		return inc
	}
	commit(t, s, 1, nil, []*alert.Incident{merged("m1", 0, "live2"), merged("m2", time.Minute, "live2"),
		newIncident("live1", "low", -2*time.Minute, "b"), newIncident("live2", "high", -3*time.Minute, "c"),
		merged("m3", 4*time.Minute, "live1"), newIncident("live3", "low", -5*time.Minute, "d")})
	tests := []struct {
		name string
		q    alert.IncidentQuery
		want []string
	}{
		{"merged left out by default", alert.IncidentQuery{}, []string{"live1", "live2", "live3"}},
		{"the limit applies after the filter", alert.IncidentQuery{Limit: 2}, []string{"live1", "live2"}},
		{"since and the filter together", alert.IncidentQuery{Since: base.Add(-4 * time.Minute)}, []string{"live1", "live2"}},
		{"merged included when asked", alert.IncidentQuery{Merged: true}, []string{"m1", "m2", "live1", "live2", "m3", "live3"}},
		{"merged included, limit 3", alert.IncidentQuery{Merged: true, Limit: 3}, []string{"m1", "m2", "live1"}},
	}
	for _, tc := range tests {
		got, err := s.Incidents(context.Background(), tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		sameIDs(t, tc.name, incidentIDs(got), tc.want)
	}
	inc, err := s.Incident(context.Background(), "m3")
	if err != nil || inc.MergedInto != "live1" {
		t.Fatalf("Incident(m3) = %+v, %v; want it merged into live1", inc, err)
	}
}

func testCopies(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	a := newAlert("a1", "r1", "high", "WS1", "open", 0)
	inc := newIncident("i1", "high", 0, "a1")
	want, wantInc := canon(t, a), canon(t, inc)
	commit(t, s, 1, []*alert.Alert{a}, []*alert.Incident{inc})
	// Changing what was committed, or what a query returned, changes
	// nothing in the store.
	a.Count, a.Records[0], a.Tags[0], a.Event["Image"] = 1000, 1000, "changed", "changed"
	inc.AlertIDs[0], inc.Hosts[0] = "changed", "changed"
	got := alerts(t, s, alert.Query{})[0]
	got.Count, got.Records[0], got.Tags[0], got.Event["Image"] = 2000, 2000, "changed", "changed"
	gotInc := incidents(t, s, 0)[0]
	gotInc.AlertIDs[0], gotInc.Users[0] = "changed", "changed"
	if g := canon(t, alerts(t, s, alert.Query{})[0]); g != want {
		t.Fatalf("the stored alert changed with the caller's copy:\n got %s\nwant %s", g, want)
	}
	if g := canon(t, incidents(t, s, 0)[0]); g != wantInc {
		t.Fatalf("the stored incident changed with the caller's copy:\n got %s\nwant %s", g, wantInc)
	}
}

func testClosed(t *testing.T, open Opener) {
	s := open(t, t.TempDir())
	commit(t, s, 1, nil, nil)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := context.Background()
	errs := []error{
		s.Commit(ctx, 2, nil, nil),
		func() error { _, err := s.Position(ctx); return err }(),
		func() error { _, err := s.Alerts(ctx, alert.Query{}); return err }(),
		func() error { _, err := s.Incidents(ctx, alert.IncidentQuery{}); return err }(),
	}
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d after Close succeeded", i+1)
		}
	}
}
