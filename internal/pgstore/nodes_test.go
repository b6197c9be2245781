package pgstore_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// nodes opens n DBs on one schema, each with its own pool, as n nodes of
// one deployment would.
func nodes(t *testing.T, n int) []*pgstore.DB {
	key := t.TempDir()
	out := make([]*pgstore.DB, n)
	for i := range out {
		out[i] = pgtest.Open(t, key, pgstore.Options{MaxConns: 2})
	}
	return out
}

// TestNodesShareState: what several nodes write at once, each through its
// own pool, adds up to one state every node reads alike: one breach clock
// per case, every pulse answer counted, one pulse key, one register entry
// per asset.
func TestNodesShareState(t *testing.T) {
	dbs := nodes(t, 3)
	ctx := context.Background()
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	const each = 10
	var wg sync.WaitGroup
	errs := make(chan error, len(dbs)*each*4)
	keys := make([][]byte, len(dbs))
	for n, db := range dbs {
		wg.Go(func() {
			k, err := db.People().PulseKey(ctx)
			keys[n] = k
			errs <- err
			for i := range each {
				_, err := db.PrivacyDecisions().ConfirmBreach("shared", fmt.Sprint("node", n), at.Add(time.Duration(n*each+i)*time.Second))
				errs <- err
				errs <- db.People().AddPulseCount(ctx, people.PulseCount{Round: "2026-09", Group: "Nursing", Site: "General", Respondents: 1})
				errs <- db.Estate().PutRegisterEntries(ctx, estate.RegisterEntry{Asset: fmt.Sprintf("PACS-%02d.trust.nhs.uk", i), Owner: fmt.Sprint("node", n)})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a node's write: %v", err)
		}
	}
	for n := 1; n < len(keys); n++ {
		if !bytes.Equal(keys[n], keys[0]) {
			t.Fatalf("node %d has pulse key %x, node 0 %x: the round links would differ", n, keys[n], keys[0])
		}
	}
	var first privacy.Decision
	for n, db := range dbs {
		d, ok, err := db.PrivacyDecisions().Lookup(ctx, "shared")
		if err != nil || !ok || d.Outcome != privacy.OutcomeEscalated || d.BreachConfirmed.IsZero() {
			t.Fatalf("node %d reads the shared case as %+v, %v, %v", n, d, ok, err)
		}
		if n == 0 {
			first = d
		} else if !d.BreachConfirmed.Equal(first.BreachConfirmed) {
			t.Fatalf("node %d reads the clock from %v, node 0 from %v", n, d.BreachConfirmed, first.BreachConfirmed)
		}
		cs, err := db.People().PulseCounts(ctx)
		if err != nil || len(cs) != 1 || cs[0].Respondents != len(dbs)*each {
			t.Fatalf("node %d reads pulse counts %+v, %v; want one cell of %d", n, cs, err, len(dbs)*each)
		}
		r, err := db.Estate().Register(ctx)
		if err != nil || len(r.Entries) != each {
			t.Fatalf("node %d reads %d register entries, %v; want %d, one per asset", n, len(r.Entries), err, each)
		}
	}
}

// TestSummaryFromPostgres: the board's privacy summary made from the
// PostgreSQL stores (privacy.Summarise) is the one LoadSummary makes from
// a data folder holding the same cases and decisions.
func TestSummaryFromPostgres(t *testing.T) {
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
	data := t.TempDir()
	dir := filepath.Join(data, privacy.StateDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	raised := time.Now().Add(-100 * time.Hour).UTC().Truncate(time.Second)
	sc := &privacy.SavedCases{AnalysedAt: raised, Summary: privacy.Summary{Accesses: 500, Explained: 490, Unexplained: 10, Cases: 4},
		Cases:  []privacy.Case{{ID: "c1", Kinds: []string{"same_surname"}}, {ID: "c2"}, {ID: "c3"}, {ID: "c4"}},
		Raised: map[string]time.Time{"c1": raised, "c2": raised, "c3": raised, "c4": raised}}
	caseStores := []privacy.CaseStore{privacy.NewCaseFile(dir), db.PrivacyCases()}
	log, err := privacy.OpenDecisionLog(filepath.Join(dir, privacy.DecisionsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	decisionStores := []privacy.DecisionStore{log, db.PrivacyDecisions()}
	for i := range caseStores {
		if err := caseStores[i].SaveCases(ctx, sc); err != nil {
			t.Fatal(err)
		}
		ds := decisionStores[i]
		steps := []error{
			second(ds.Record("c1", privacy.OutcomeCounselled, "po1", "", raised.Add(2*time.Hour))),
			second(ds.ConfirmBreach("c2", "po1", raised.Add(3*time.Hour))),                                     // overdue by now
			second(ds.Record("c3", privacy.OutcomeReported, "po1", "reported at once", raised.Add(time.Hour))), // met
			second(ds.Record("c4", privacy.OutcomeAppropriate, "po2", "", raised.Add(30*time.Minute))),
		}
		for _, err := range steps {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	want, err := privacy.LoadSummary(data)
	if err != nil {
		t.Fatal(err)
	}
	pgCases, err := db.PrivacyCases().LoadCases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pgDecisions, err := db.PrivacyDecisions().List()
	if err != nil {
		t.Fatal(err)
	}
	got := privacy.Summarise(pgCases, pgDecisions, want.AsOf)
	if len(got.Breaches) != 2 {
		t.Fatalf("summary from PostgreSQL has %d breaches, want 2: %+v", len(got.Breaches), got)
	}
	sharedtest.SameJSON(t, "summary from PostgreSQL against LoadSummary", got, want)
}

// second returns the error of a call that returns a value and an error.
func second[T any](_ T, err error) error { return err }
