package serve

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/sim"
)

// demoMsgs are the demo trust's attacks over half an hour of its ordinary
// traffic (FHIR left out), as stream messages in the partitions of their
// hosts out of parts.
func demoMsgs(t *testing.T, parts int) map[int][]bus.Msg {
	t.Helper()
	trust := sim.NewTrust(7)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var evs []sim.Event
	for ev := range trust.Background(start, 30*time.Minute, 2) {
		evs = append(evs, ev)
	}
	for i, name := range sim.Scenarios() {
		sc, err := trust.Scenario(name, start.Add(time.Duration(i)*10*time.Minute), 60)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, sc.Events()...)
	}
	slices.SortStableFunc(evs, func(a, b sim.Event) int { return a.Time.Compare(b.Time) })
	out := map[int][]bus.Msg{}
	var seq uint64
	for _, e := range evs {
		if e.FHIR != nil {
			continue
		}
		line, err := e.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var ev event.Event
		if err := winjson.Decode(bytes.TrimSpace(line), &ev); err != nil {
			t.Fatalf("event %d: %v", seq+1, err)
		}
		seq++
		p := bus.PartitionOf(hostOf(&ev), parts)
		out[p] = append(out[p], bus.Msg{Partition: p, Seq: seq, Data: ev.AppendBinary(nil)})
	}
	return out
}

// grouping renders the store's incidents as the sorted sets of alert ids
// (by the alerts' incident_id) of each incident not merged.
func grouping(t *testing.T, s alert.Store) string {
	t.Helper()
	as, err := s.Alerts(context.Background(), alert.Query{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string][]string{}
	for _, a := range as {
		by[a.IncidentID] = append(by[a.IncidentID], a.ID[:8])
	}
	var lines []string
	for id, ids := range by {
		inc, err := s.Incident(context.Background(), id)
		if err != nil || inc.MergedInto != "" {
			t.Errorf("alerts %v name incident %s: %v, merged into %q", ids, id, err, inc.MergedInto)
			continue
		}
		slices.Sort(ids)
		lines = append(lines, strings.Join(ids, " "))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// freeLock is a linker lock always free.
func freeLock(context.Context) (func(), bool, error) { return func() {}, true, nil }

// TestLinkerGroupsAsOneProcess: the demo trust's attacks cross hosts of
// several partitions; each partition's Deduper makes its own incidents,
// and after a round of the linker the incidents group the alerts as one
// Deduper over every partition does.
func TestLinkerGroupsAsOneProcess(t *testing.T) {
	key := t.TempDir()
	want := runPartitions(t, pgtest.Open(t, key+"/one", pgstore.Options{}), 1)
	db := pgtest.Open(t, key+"/eight", pgstore.Options{})
	got := runPartitions(t, db, 8)
	if got == want {
		t.Fatalf("eight partitions group the alerts as one does before linking: the test shows nothing")
	}
	l := &incidentLinker{log: testLogger(t), store: db.Alerts(), lock: freeLock, window: DefaultConfig().Alert.IncidentWindow, partitions: 8}
	n, err := l.round(context.Background())
	if err != nil || n == 0 {
		t.Fatalf("linker round: merged %d, %v", n, err)
	}
	if got = grouping(t, db.Alerts()); got != want {
		t.Errorf("after linking, incidents of eight partitions:\n%s\none partition's:\n%s", got, want)
	}
	if n, err := l.round(context.Background()); err != nil || n != 0 {
		t.Errorf("a second round merged %d (%v), want none", n, err)
	}
}

// runPartitions detects the demo events in parts partitions over db and
// returns the grouping.
func runPartitions(t *testing.T, db *pgstore.DB, parts int) string {
	t.Helper()
	h := testDetector(t, db)
	h.partitions = parts
	for p, msgs := range demoMsgs(t, parts) {
		feed(t, h, p, 1, msgs, 256)
	}
	return grouping(t, db.Alerts())
}

// TestLinkerRoundNeedsTheLock: a node that does not get the lock merges
// nothing, and one that does merges what is linked.
func TestLinkerRoundNeedsTheLock(t *testing.T) {
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
	runPartitions(t, db, 8)
	held := func(context.Context) (func(), bool, error) { return nil, false, nil }
	l := &incidentLinker{log: testLogger(t), store: db.Alerts(), lock: held, window: time.Hour, partitions: 8}
	if n, err := l.round(context.Background()); n != 0 || err != nil {
		t.Errorf("a round without the lock merged %d (%v)", n, err)
	}
	l.lock = db.TryLinkerLock
	if n, err := l.round(context.Background()); n == 0 || err != nil {
		t.Errorf("a round with the lock merged %d (%v), want some", n, err)
	}
	if l.merged.Load() == 0 {
		t.Error("merges not counted")
	}
}
