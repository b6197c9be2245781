package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/people/peopletest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

func openPeople(t *testing.T, dir string) people.DataStore {
	return pgtest.Open(t, dir, pgstore.Options{}).People()
}

func TestPeopleStore(t *testing.T) {
	peopletest.Run(t, openPeople)
}

// TestPeopleServiceStore runs people.Store's behaviour (what vigil serve
// uses) over PostgreSQL, as people's own tests run it over the files.
func TestPeopleServiceStore(t *testing.T) {
	peopletest.RunStore(t, openPeople)
}

// TestPeopleStoresShareState: two nodes' Stores on one database see each
// other's reports, guidance and pulse answers, and give the same links.
func TestPeopleStoresShareState(t *testing.T) {
	ctx, at := context.Background(), time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	staff := peopletest.WriteStaff(t)
	a := peopletest.OpenStore(t, openPeople, dir)
	if _, err := a.Import(ctx, people.ImportFiles{Staff: staff}, at); err != nil {
		t.Fatal(err)
	}
	b := peopletest.OpenStore(t, openPeople, dir) // started after the import
	if a.PulseLink("2026-Q1") != b.PulseLink("2026-Q1") {
		t.Fatal("two nodes give different links for one round")
	}
	for i := range 10 {
		node := a
		if i%2 == 1 {
			node = b
		}
		r := people.Response{Round: "2026-Q1", Group: "Nursing", Site: "General"}
		r.Answers[people.QRole] = people.Agree
		if err := node.SubmitPulse(ctx, r); err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
	}
	if _, err := b.AddReport(ctx, people.Report{Reporter: "aisha.khan@trust.nhs.uk", Via: "mailbox"}); err != nil {
		t.Fatal(err)
	}
	if err := b.RecordGuidance(people.Message{StaffID: "E1", Topic: people.TopicClickedLink, At: at}); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*people.Store{"a": a, "b": b} {
		res, err := s.PulseResults(ctx, "2026-Q1")
		if err != nil || res.Respondents != 10 {
			t.Errorf("node %s: pulse results %+v, %v; want 10 respondents", name, res, err)
		}
		if rs, err := s.Reports(ctx); err != nil || len(rs) != 1 {
			t.Errorf("node %s: %d reports, %v; want 1", name, len(rs), err)
		}
		if ms, err := s.Guidance(ctx); err != nil || len(ms) != 1 {
			t.Errorf("node %s: %d guidance messages, %v; want 1", name, len(ms), err)
		}
	}
}
