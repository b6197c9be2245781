package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

var noon = time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC)

func strp(s string) *string { return &s }

func updateAlert(t *testing.T, s alert.Store, id string, ch alert.Change) *alert.Alert {
	t.Helper()
	a, err := s.UpdateAlert(context.Background(), id, ch)
	if err != nil {
		t.Fatalf("UpdateAlert(%s, %+v): %v", id, ch, err)
	}
	return a
}

func getAlert(t *testing.T, s alert.Store, id string) *alert.Alert {
	t.Helper()
	a, err := s.Alert(context.Background(), id)
	if err != nil {
		t.Fatalf("Alert(%s): %v", id, err)
	}
	return a
}

func getIncident(t *testing.T, s alert.Store, id string) *alert.Incident {
	t.Helper()
	inc, err := s.Incident(context.Background(), id)
	if err != nil {
		t.Fatalf("Incident(%s): %v", id, err)
	}
	return inc
}

func testGet(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	a1, a2 := newAlert("a1", "r1", "high", "WS1", "open", 0), newAlert("a2", "r2", "low", "WS2", "open", 0)
	a2.IncidentID = "inc-a1"
	inc := newIncident("inc-a1", "high", 0, "a1", "a2")
	commit(t, s, 1, []*alert.Alert{a1, a2, newAlert("a3", "r3", "low", "WS3", "open", 0)}, []*alert.Incident{inc})
	sameItem(t, "alert by id", getAlert(t, s, "a2"), a2)
	sameItem(t, "incident by id", getIncident(t, s, "inc-a1"), inc)
	sameIDs(t, "alerts of an incident", alertIDs(alerts(t, s, alert.Query{IncidentID: "inc-a1"})), []string{"a1", "a2"})
	ctx := context.Background()
	if _, err := s.Alert(ctx, "nope"); !errors.Is(err, alert.ErrNotFound) {
		t.Fatalf("Alert of an unknown id: %v, want ErrNotFound", err)
	}
	if _, err := s.Incident(ctx, "nope"); !errors.Is(err, alert.ErrNotFound) {
		t.Fatalf("Incident of an unknown id: %v, want ErrNotFound", err)
	}
}

func testUpdateAlert(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	commit(t, s, 3, []*alert.Alert{newAlert("a1", "r1", "high", "WS1", "open", 0)}, nil)
	tests := []struct {
		name     string
		ch       alert.Change
		status   string
		assignee string
		notes    []alert.Note
	}{
		{"acknowledge and assign", alert.Change{Status: "acknowledged", Assignee: strp("n.patel"), By: "soc1", At: noon},
			"acknowledged", "n.patel", []alert.Note{
				{At: noon, By: "soc1", Action: "status", Text: "open to acknowledged"},
				{At: noon, By: "soc1", Action: "assign", Text: "n.patel"}}},
		{"comment only", alert.Change{Comment: "looking at WS1", By: "n.patel", At: noon.Add(time.Minute)},
			"acknowledged", "n.patel", []alert.Note{{At: noon.Add(time.Minute), By: "n.patel", Action: "comment", Text: "looking at WS1"}}},
		{"close with a reason and unassign", alert.Change{Status: "closed", Reason: "false_positive", Assignee: strp(""), By: "n.patel", At: noon.Add(2 * time.Minute)},
			"closed", "", []alert.Note{
				{At: noon.Add(2 * time.Minute), By: "n.patel", Action: "status", Text: "acknowledged to closed (false_positive)"},
				{At: noon.Add(2 * time.Minute), By: "n.patel", Action: "assign", Text: ""}}},
		{"the same status again notes nothing", alert.Change{Status: "closed", Reason: "benign", By: "x", At: noon.Add(3 * time.Minute)}, "closed", "", nil},
		{"a mark only", alert.Change{Mark: &alert.Mark{Action: "check", Text: "ransomware/isolate"}, By: "n.patel", At: noon.Add(4 * time.Minute)},
			"closed", "", []alert.Note{{At: noon.Add(4 * time.Minute), By: "n.patel", Action: "check", Text: "ransomware/isolate"}}},
	}
	var history []alert.Note
	for _, tc := range tests {
		got := updateAlert(t, s, "a1", tc.ch)
		history = append(history, tc.notes...)
		if got.Status != tc.status || got.Assignee != tc.assignee || !sameNotes(got.History, history) {
			t.Fatalf("%s: status %q, assignee %q, history %+v; want %q, %q, %+v", tc.name, got.Status, got.Assignee, got.History, tc.status, tc.assignee, history)
		}
		sameItem(t, tc.name+": stored as answered", getAlert(t, s, "a1"), got)
	}
	if p := position(t, s); p != 3 {
		t.Fatalf("position %d after updates, want 3: a person's change is not the detector's progress", p)
	}
}

func testUpdateIncident(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	commit(t, s, 1, nil, []*alert.Incident{newIncident("i1", "high", 0, "a1")})
	got, err := s.UpdateIncident(context.Background(), "i1", alert.Change{Status: "closed", Reason: "true_positive", Comment: "contained", By: "lead", At: noon})
	if err != nil {
		t.Fatal(err)
	}
	want := []alert.Note{{At: noon, By: "lead", Action: "status", Text: "open to closed (true_positive)"}, {At: noon, By: "lead", Action: "comment", Text: "contained"}}
	if got.Status != "closed" || !sameNotes(got.History, want) {
		t.Fatalf("incident after closing: status %q, history %+v", got.Status, got.History)
	}
	sameItem(t, "stored incident", getIncident(t, s, "i1"), got)
}

func testUpdateErrors(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	commit(t, s, 1, []*alert.Alert{newAlert("a1", "r1", "high", "WS1", "open", 0)}, []*alert.Incident{newIncident("i1", "high", 0, "a1")})
	ctx := context.Background()
	tests := []struct {
		name, id string
		ch       alert.Change
		field    string // of the *ChangeError; "" for ErrNotFound
	}{
		{"unknown alert", "nope", alert.Change{Status: "acknowledged"}, ""},
		{"bad status", "a1", alert.Change{Status: "done"}, "status"},
		{"closing without a reason", "a1", alert.Change{Status: "closed"}, "reason"},
		{"nothing to change", "a1", alert.Change{By: "x"}, "status"},
		{"a mark with the store's own action", "a1", alert.Change{Mark: &alert.Mark{Action: "status", Text: "closed"}}, "mark"},
		{"a mark with a bad action", "a1", alert.Change{Mark: &alert.Mark{Action: "Check Item"}}, "mark"},
	}
	for _, tc := range tests {
		for _, kind := range []string{"alert", "incident"} {
			id := tc.id
			var err error
			if kind == "alert" {
				_, err = s.UpdateAlert(ctx, id, tc.ch)
			} else {
				if id == "a1" {
					id = "i1"
				}
				_, err = s.UpdateIncident(ctx, id, tc.ch)
			}
			var ce *alert.ChangeError
			switch {
			case tc.field == "" && !errors.Is(err, alert.ErrNotFound):
				t.Errorf("%s of %s: %v, want ErrNotFound", tc.name, kind, err)
			case tc.field != "" && (!errors.As(err, &ce) || ce.Field != tc.field):
				t.Errorf("%s of %s: %v, want a ChangeError on field %s", tc.name, kind, err, tc.field)
			}
		}
	}
	if a := getAlert(t, s, "a1"); a.Status != "open" || len(a.History) != 0 {
		t.Fatalf("refused changes changed the alert: %+v", a)
	}
}

// testCommitKeepsPeople: the detector's next version of an alert (a new
// count, its own status) keeps what a person set.
func testCommitKeepsPeople(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	a := newAlert("a1", "r1", "high", "WS1", "open", 0)
	inc := newIncident("i1", "high", 0, "a1")
	commit(t, s, 1, []*alert.Alert{a}, []*alert.Incident{inc})
	person := updateAlert(t, s, "a1", alert.Change{Status: "acknowledged", Assignee: strp("soc1"), Comment: "mine", By: "soc1", At: noon})
	if _, err := s.UpdateIncident(context.Background(), "i1", alert.Change{Assignee: strp("lead"), By: "lead", At: noon}); err != nil {
		t.Fatal(err)
	}
	next := newAlert("a1", "r1", "high", "WS1", "open", time.Minute)
	next.Count = 9
	nextInc := newIncident("i1", "critical", time.Minute, "a1", "a2")
	commit(t, s, 2, []*alert.Alert{next}, []*alert.Incident{nextInc})
	got := getAlert(t, s, "a1")
	if got.Count != 9 || got.Status != "acknowledged" || got.Assignee != "soc1" || !sameNotes(got.History, person.History) {
		t.Fatalf("after the detector's commit: count %d, status %q, assignee %q, history %+v", got.Count, got.Status, got.Assignee, got.History)
	}
	gi := getIncident(t, s, "i1")
	if gi.Level != "critical" || len(gi.AlertIDs) != 2 || gi.Assignee != "lead" || len(gi.History) != 1 {
		t.Fatalf("incident after the detector's commit: %+v", gi)
	}
}

// testReopenOnCount: a closed alert counted again opens again, with a note.
func testReopenOnCount(t *testing.T, open Opener) {
	s, _ := openNew(t, open)
	a := newAlert("a1", "r1", "high", "WS1", "open", 0)
	commit(t, s, 1, []*alert.Alert{a}, []*alert.Incident{newIncident("i1", "high", 0, "a1")})
	updateAlert(t, s, "a1", alert.Change{Status: "closed", Reason: "benign", By: "soc1", At: noon})
	if _, err := s.UpdateIncident(context.Background(), "i1", alert.Change{Status: "closed", Reason: "benign", By: "soc1", At: noon}); err != nil {
		t.Fatal(err)
	}
	same := *a // the detector recommits what it had (a replay): stays closed
	commit(t, s, 2, []*alert.Alert{&same}, nil)
	if got := getAlert(t, s, "a1"); got.Status != "closed" {
		t.Fatalf("a recommit of the same count reopened the alert: %+v", got)
	}
	again := newAlert("a1", "r1", "high", "WS1", "open", time.Minute)
	again.Count = a.Count + 1
	commit(t, s, 3, []*alert.Alert{again}, []*alert.Incident{newIncident("i1", "high", time.Minute, "a1", "a9")})
	got := getAlert(t, s, "a1")
	last := got.History[len(got.History)-1]
	if got.Status != "open" || last.Action != "reopened" || last.By != alert.ByVigil || !last.At.Equal(again.LastSeen) {
		t.Fatalf("a closed alert that fired again: status %q, last note %+v", got.Status, last)
	}
	if gi := getIncident(t, s, "i1"); gi.Status != "open" || gi.History[len(gi.History)-1].Action != "reopened" {
		t.Fatalf("a closed incident that gained an alert: %+v", gi)
	}
}

// testUpdatesDurable: changes survive closing and reopening the store.
func testUpdatesDurable(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := open(t, dir)
	commit(t, s, 1, []*alert.Alert{newAlert("a1", "r1", "high", "WS1", "open", 0)}, nil)
	want := updateAlert(t, s, "a1", alert.Change{Status: "acknowledged", Assignee: strp("soc1"), By: "soc1", At: noon})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	sameItem(t, "alert after reopening", getAlert(t, s, "a1"), want)
}

func sameNotes(got, want []alert.Note) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !got[i].At.Equal(want[i].At) || got[i].By != want[i].By || got[i].Action != want[i].Action || got[i].Text != want[i].Text {
			return false
		}
	}
	return true
}
