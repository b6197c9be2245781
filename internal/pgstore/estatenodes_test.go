package pgstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// testClock is a clock a test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// TestEstateForgetsDepartedNodes: with NodeMaxAge, a node's save deletes
// the rows of every other node last saved longer ago than that (a node
// that left for good), never its own nor a node saved within it; with 0
// every node's rows stay.
func TestEstateForgetsDepartedNodes(t *testing.T) {
	const maxAge = 90 * 24 * time.Hour
	tests := []struct {
		name    string
		maxAge  time.Duration
		steps   []nodeSave
		nodes   []string // estate_learned_nodes after the steps
		learned []string // the hosts read back
	}{
		{"a node gone longer than the max age is forgotten", maxAge, []nodeSave{
			{0, "det-1", "WARD7-PC01"}, {time.Hour, "det-2", "PACS-01"}, {maxAge, "det-2", "PACS-01"}},
			[]string{"det-2"}, []string{"PACS-01"}},
		{"exactly the max age is kept", maxAge, []nodeSave{
			{0, "det-1", "WARD7-PC01"}, {maxAge, "det-2", "PACS-01"}},
			[]string{"det-1", "det-2"}, []string{"WARD7-PC01", "PACS-01"}},
		{"its own old save is replaced, not forgotten", maxAge, []nodeSave{
			{0, "det-1", "WARD7-PC01"}, {2 * maxAge, "det-1", "WARD7-PC02"}},
			[]string{"det-1"}, []string{"WARD7-PC02"}},
		{"a node back after the max age saves again", maxAge, []nodeSave{
			{0, "det-1", "WARD7-PC01"}, {maxAge + time.Second, "det-2", "PACS-01"}, {time.Second, "det-1", "WARD7-PC03"}},
			[]string{"det-1", "det-2"}, []string{"PACS-01", "WARD7-PC03"}},
		{"max age 0 keeps every node", 0, []nodeSave{
			{0, "det-1", "WARD7-PC01"}, {10 * maxAge, "det-2", "PACS-01"}},
			[]string{"det-1", "det-2"}, []string{"WARD7-PC01", "PACS-01"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := pgtest.Open(t, t.TempDir(), pgstore.Options{MaxConns: 2})
			clock := &testClock{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
			s := db.EstateWith(pgstore.EstateOptions{NodeMaxAge: tc.maxAge, Now: clock.Now})
			for _, st := range tc.steps {
				clock.add(st.after)
				// LastSeen is now: the assets themselves are never stale
				// here, so only the node's save time decides.
				a := estate.Asset{Name: st.host, LastSeen: clock.Now(), Sources: []string{"events"}}
				if err := s.SaveLearned(ctx, st.node, []estate.Asset{a}); err != nil {
					t.Fatalf("%s saves: %v", st.node, err)
				}
			}
			rows, _ := db.Pool().Query(ctx, "SELECT node FROM estate_learned_nodes ORDER BY node")
			nodes, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil || !slices.Equal(nodes, tc.nodes) {
				t.Errorf("nodes %v (%v), want %v", nodes, err, tc.nodes)
			}
			as, ok, err := s.Learned(ctx)
			var hosts []string
			for _, a := range as {
				hosts = append(hosts, a.Name)
			}
			slices.Sort(hosts)
			want := slices.Sorted(slices.Values(tc.learned))
			if err != nil || !ok || !slices.Equal(hosts, want) {
				t.Errorf("learned %v (ok %v, %v), want %v", hosts, ok, err, want)
			}
			var orphans int
			if err := db.Pool().QueryRow(ctx, "SELECT count(*) FROM estate_learned WHERE node NOT IN (SELECT node FROM estate_learned_nodes)").Scan(&orphans); err != nil || orphans != 0 {
				t.Errorf("%d rows of forgotten nodes left (%v)", orphans, err)
			}
		})
	}
}

// nodeSave is a node saving one host's asset, after moving the clock on.
type nodeSave struct {
	after      time.Duration
	node, host string
}

// TestEstateForgetRacesSaves: nodes that each return after the max age
// save at once, each forgetting the others; no save fails (none waits for
// another's row), and every node that saved last is still there.
func TestEstateForgetRacesSaves(t *testing.T) {
	ctx := context.Background()
	const maxAge = time.Hour
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{MaxConns: 4})
	clock := &testClock{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	s := db.EstateWith(pgstore.EstateOptions{NodeMaxAge: maxAge, Now: clock.Now})
	nodes := []string{"det-1", "det-2", "det-3", "det-4"}
	for _, n := range nodes {
		if err := s.SaveLearned(ctx, n, []estate.Asset{{Name: "PC-" + n}}); err != nil {
			t.Fatal(err)
		}
	}
	clock.add(2 * maxAge)
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make(chan error, len(nodes))
		for _, n := range nodes {
			wg.Go(func() { errs <- s.SaveLearned(ctx, n, []estate.Asset{{Name: "PC-" + n}}) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	var n int
	if err := db.Pool().QueryRow(ctx, "SELECT count(*) FROM estate_learned_nodes").Scan(&n); err != nil || n != len(nodes) {
		t.Fatalf("%d nodes after the saves (%v), want %d: each just saved", n, err, len(nodes))
	}
}
