// Package storetest is the test suite every alert.Store implementation
// must pass, the embedded file store and PostgreSQL alike, so that the
// service behaves the same on either.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// Opener returns the store kept in dir, new if dir holds none; opening a
// dir again after Close must give back what was committed there.
type Opener func(t *testing.T, dir string) alert.Store

// Run runs the suite against the stores open returns. Times are UTC with
// microsecond precision, which every backend keeps.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Empty", testEmpty},
		{"Position", testPosition},
		{"Count", testCount},
		{"RoundTrip", testRoundTrip},
		{"UpsertLatestWins", testUpsert},
		{"Filters", testFilters},
		{"Order", testOrder},
		{"Limits", testLimits},
		{"Reopen", testReopen},
		{"Incidents", testIncidents},
		{"IncidentsSince", testIncidentsSince},
		{"IncidentsMerged", testIncidentsMerged},
		{"Copies", testCopies},
		{"Closed", testClosed},
		{"Get", testGet},
		{"UpdateAlert", testUpdateAlert},
		{"UpdateIncident", testUpdateIncident},
		{"UpdateErrors", testUpdateErrors},
		{"CommitKeepsPeople", testCommitKeepsPeople},
		{"ReopenOnNewCount", testReopenOnCount},
		{"UpdatesSurviveReopen", testUpdatesDurable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// base is the suite's reference time.
var base = time.Date(2025, 3, 4, 10, 20, 30, 123456000, time.UTC)

// newAlert returns a full alert last seen at base+at.
func newAlert(id, rule, level, host, status string, at time.Duration) *alert.Alert {
	return &alert.Alert{
		ID: id, RuleID: rule, RuleTitle: "Title of " + rule, Level: level, Tags: []string{"attack.execution", "attack.t1059"},
		Host: host, User: "CORP\\alice", Key: "k=v", Count: 3,
		FirstSeen: base.Add(at - time.Minute), LastSeen: base.Add(at), IncidentID: "inc-" + id,
		Records: []uint64{7, 8, 9}, Status: status,
		Event: map[string]any{"Image": "C:\\x.exe", "EventID": "4688", "Score": 1.5},
	}
}

func newIncident(id, level string, at time.Duration, alertIDs ...string) *alert.Incident {
	return &alert.Incident{
		ID: id, Title: "Incident " + id, Level: level, Hosts: []string{"WS1", "WS2"}, Users: []string{"alice"},
		AlertIDs: alertIDs, FirstSeen: base.Add(at - time.Hour), LastSeen: base.Add(at), Status: "open",
	}
}

func openNew(t *testing.T, open Opener) (alert.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s := open(t, dir)
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func commit(t *testing.T, s alert.Store, pos uint64, alerts []*alert.Alert, incs []*alert.Incident) {
	t.Helper()
	if err := s.Commit(context.Background(), pos, alerts, incs); err != nil {
		t.Fatalf("Commit at %d: %v", pos, err)
	}
}

func position(t *testing.T, s alert.Store) uint64 {
	t.Helper()
	p, err := s.Position(context.Background())
	if err != nil {
		t.Fatalf("Position: %v", err)
	}
	return p
}

func alerts(t *testing.T, s alert.Store, q alert.Query) []*alert.Alert {
	t.Helper()
	as, err := s.Alerts(context.Background(), q)
	if err != nil {
		t.Fatalf("Alerts(%+v): %v", q, err)
	}
	return as
}

func incidents(t *testing.T, s alert.Store, limit int) []*alert.Incident {
	t.Helper()
	is, err := s.Incidents(context.Background(), alert.IncidentQuery{Limit: limit})
	if err != nil {
		t.Fatalf("Incidents(limit %d): %v", limit, err)
	}
	return is
}

func ids[T any](items []*T, id func(*T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func alertIDs(as []*alert.Alert) []string {
	return ids(as, func(a *alert.Alert) string { return a.ID })
}

func incidentIDs(is []*alert.Incident) []string {
	return ids(is, func(i *alert.Incident) string { return i.ID })
}

// canon encodes v with times in UTC and empty slices and maps as absent,
// so that backends that differ only there compare equal.
func canon(t *testing.T, v any) string {
	t.Helper()
	var c any
	switch x := v.(type) {
	case *alert.Alert:
		a := *x
		a.FirstSeen, a.LastSeen = a.FirstSeen.UTC(), a.LastSeen.UTC()
		a.Tags, a.Records = nilIfEmpty(a.Tags), nilIfEmpty(a.Records)
		if len(a.Event) == 0 {
			a.Event = nil
		}
		c = a
	case *alert.Incident:
		inc := *x
		inc.FirstSeen, inc.LastSeen = inc.FirstSeen.UTC(), inc.LastSeen.UTC()
		inc.Hosts, inc.Users, inc.AlertIDs = nilIfEmpty(inc.Hosts), nilIfEmpty(inc.Users), nilIfEmpty(inc.AlertIDs)
		c = inc
	default:
		t.Fatalf("canon: unexpected %T", v)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func sameItem(t *testing.T, what string, got, want any) {
	t.Helper()
	if g, w := canon(t, got), canon(t, want); g != w {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return out
}
