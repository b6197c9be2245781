package alert

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func det(rule, level, host, user string, at time.Duration, record uint64) Detection {
	return Detection{
		RuleID: rule, RuleTitle: "Title of " + rule, Level: level, Tags: []string{"attack.t1"},
		Host: host, User: user, Time: t0.Add(at), Record: record,
		Event: map[string]any{"Image": "x.exe"},
	}
}

// addAll feeds dets to d and returns the last state of every alert and
// incident it reported, as a store would hold them.
func addAll(d *Deduper, dets []Detection) (map[string]*Alert, map[string]*Incident) {
	alerts, incs := map[string]*Alert{}, map[string]*Incident{}
	apply(d, dets, alerts, incs)
	return alerts, incs
}

func apply(d *Deduper, dets []Detection, alerts map[string]*Alert, incs map[string]*Incident) {
	for _, det := range dets {
		as, is := d.Add(det)
		for _, a := range as {
			alerts[a.ID] = a
		}
		for _, i := range is {
			incs[i.ID] = i
		}
	}
}

func TestDedupeWindows(t *testing.T) {
	const w = 10 * time.Minute
	tests := []struct {
		name   string
		dets   []Detection
		counts []int // alert counts, in order of first detection
	}{
		{"one burst is one alert", []Detection{
			det("r1", "high", "WS1", "", 0, 1), det("r1", "high", "WS1", "", time.Second, 2),
			det("r1", "high", "WS1", "", 5*time.Minute, 3), det("r1", "high", "WS1", "", w-time.Nanosecond, 4),
		}, []int{4}},
		{"a new window once the window passes", []Detection{
			det("r1", "high", "WS1", "", 0, 1), det("r1", "high", "WS1", "", w, 2), det("r1", "high", "WS1", "", w+time.Minute, 3),
		}, []int{1, 2}},
		{"host is case-insensitive", []Detection{
			det("r1", "high", "WS1", "", 0, 1), det("r1", "high", "ws1", "", time.Minute, 2),
		}, []int{2}},
		{"different hosts are different alerts", []Detection{
			det("r1", "high", "WS1", "", 0, 1), det("r1", "high", "WS2", "", time.Minute, 2),
		}, []int{1, 1}},
		{"different rules are different alerts", []Detection{
			det("r1", "high", "WS1", "", 0, 1), det("r2", "high", "WS1", "", time.Minute, 2),
		}, []int{1, 1}},
		{"different keys are different alerts", []Detection{
			withKey(det("r1", "high", "WS1", "", 0, 1), "alice"), withKey(det("r1", "high", "WS1", "", time.Minute, 2), "bob"),
			withKey(det("r1", "high", "WS1", "", 2*time.Minute, 3), "alice"),
		}, []int{2, 1}},
		{"a late event joins and moves FirstSeen back", []Detection{
			det("r1", "high", "WS1", "", 5*time.Minute, 1), det("r1", "high", "WS1", "", time.Minute, 2),
		}, []int{2}},
		{"an event more than a window early starts its own alert", []Detection{
			det("r1", "high", "WS1", "", w+time.Minute, 1), det("r1", "high", "WS1", "", 0, 2),
		}, []int{1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDeduper(w, time.Hour)
			var order []string
			last := map[string]*Alert{}
			for _, dt := range tc.dets {
				as, _ := d.Add(dt)
				if len(as) != 1 {
					t.Fatalf("Add returned %d alerts, want 1", len(as))
				}
				if _, seen := last[as[0].ID]; !seen {
					order = append(order, as[0].ID)
				}
				last[as[0].ID] = as[0]
			}
			var counts []int
			for _, id := range order {
				counts = append(counts, last[id].Count)
			}
			if !slices.Equal(counts, tc.counts) {
				t.Fatalf("alert counts %v, want %v", counts, tc.counts)
			}
		})
	}
}

func withKey(d Detection, key string) Detection { d.Key = key; return d }

func TestDedupeAlertFields(t *testing.T) {
	d := NewDeduper(time.Hour, time.Hour)
	var a *Alert
	for i := range 150 {
		dt := det("r1", "medium", "WS1", "", time.Duration(i)*time.Second, uint64(1000+i))
		if i == 3 {
			dt.User = "CORP\\alice"
		}
		as, _ := d.Add(dt)
		a = as[0]
	}
	if a.Count != 150 || len(a.Records) != MaxRecords || a.Records[0] != 1000 || a.Records[MaxRecords-1] != 1000+MaxRecords-1 {
		t.Fatalf("count %d, %d records %v..., want 150 and the first %d", a.Count, len(a.Records), a.Records[:3], MaxRecords)
	}
	if !a.FirstSeen.Equal(t0) || !a.LastSeen.Equal(t0.Add(149*time.Second)) {
		t.Fatalf("seen %v..%v, want %v..%v", a.FirstSeen, a.LastSeen, t0, t0.Add(149*time.Second))
	}
	if a.User != "CORP\\alice" || a.Status != StatusOpen || a.RuleTitle != "Title of r1" || a.Level != "medium" || a.IncidentID == "" || a.Event["Image"] != "x.exe" {
		t.Fatalf("alert %+v", a)
	}
	// The returned alert is a copy: changing it changes nothing inside.
	a.Records[0], a.Tags[0] = 7, "changed"
	as, _ := d.Add(det("r1", "medium", "WS1", "", 150*time.Second, 1))
	if as[0].Records[0] != 1000 || as[0].Tags[0] != "attack.t1" || as[0].Count != 151 {
		t.Fatalf("a caller's change reached the Deduper: %v %v", as[0].Records[:2], as[0].Tags)
	}
}

func TestDedupeIncidents(t *testing.T) {
	const iw = 30 * time.Minute
	corr := det("corr", "critical", "DC1", "", 20*time.Minute, 0)
	corr.CorrelationEvents = []uint64{11}
	tests := []struct {
		name   string
		dets   []Detection
		groups [][]int // which detections' alerts share an incident
		level  string  // of the incident of detection 0
		title  string
	}{
		{"same host within the window", []Detection{
			det("r1", "low", "WS1", "", 0, 1), det("r2", "high", "ws1", "", 20*time.Minute, 2), det("r3", "medium", "WS1", "", 45*time.Minute, 3),
		}, [][]int{{0, 1, 2}}, "high", "Title of r2"},
		{"same user on other hosts", []Detection{
			det("r1", "medium", "WS1", "CORP\\Alice", 0, 1), det("r2", "medium", "WS2", "alice", 10*time.Minute, 2),
		}, [][]int{{0, 1}}, "medium", "Title of r1"},
		{"built-in and machine accounts do not group", []Detection{
			det("r1", "low", "WS1", "NT AUTHORITY\\SYSTEM", 0, 1), det("r2", "low", "WS2", "SYSTEM", time.Minute, 2),
			det("r3", "low", "WS3", "WS3$", 2*time.Minute, 3), det("r4", "low", "WS4", "WS3$", 3*time.Minute, 4),
		}, [][]int{{0}, {1}, {2}, {3}}, "low", "Title of r1"},
		{"separate beyond the incident window", []Detection{
			det("r1", "low", "WS1", "", 0, 1), det("r2", "low", "WS1", "", iw+time.Second, 2),
		}, [][]int{{0}, {1}}, "low", "Title of r1"},
		{"within the window of LastSeen, not FirstSeen", []Detection{
			det("r1", "low", "WS1", "", 0, 1), det("r2", "low", "WS1", "", 25*time.Minute, 2), det("r3", "low", "WS1", "", 50*time.Minute, 3),
		}, [][]int{{0, 1, 2}}, "low", "Title of r1"},
		{"linked by a correlation across hosts", []Detection{
			det("r1", "medium", "WS1", "", 0, 11), det("r2", "low", "WS9", "", time.Minute, 12), corr,
		}, [][]int{{0, 2}, {1}}, "critical", "Title of corr"},
		{"equal levels keep the first title", []Detection{
			det("r1", "high", "WS1", "", 0, 1), det("r2", "high", "WS1", "", time.Minute, 2),
		}, [][]int{{0, 1}}, "high", "Title of r1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDeduper(10*time.Minute, iw)
			incOf := make([]string, len(tc.dets))
			incs := map[string]*Incident{}
			for i, dt := range tc.dets {
				as, is := d.Add(dt)
				incOf[i] = as[0].IncidentID
				for _, inc := range is {
					incs[inc.ID] = inc
				}
			}
			for _, g := range tc.groups {
				for _, i := range g {
					if incOf[i] != incOf[g[0]] {
						t.Fatalf("detections %d and %d are in different incidents", g[0], i)
					}
				}
			}
			if n := len(slices.Compact(slices.Sorted(slices.Values(incOf)))); n != len(tc.groups) {
				t.Fatalf("%d incidents, want %d", n, len(tc.groups))
			}
			inc := incs[incOf[0]]
			if inc == nil || inc.Level != tc.level || inc.Title != tc.title {
				t.Fatalf("incident %+v, want level %s and title %q", inc, tc.level, tc.title)
			}
			for _, g := range tc.groups {
				if got := incs[incOf[g[0]]]; len(got.AlertIDs) != len(g) {
					t.Fatalf("incident %s has alerts %v, want %d", got.ID, got.AlertIDs, len(g))
				}
			}
		})
	}
}

// randomDetections makes n detections over a few rules, hosts, keys and
// users, mostly in time order with some late ones, over several windows.
func randomDetections(seed uint64, n int) []Detection {
	r := rand.New(rand.NewPCG(seed, 1))
	users := []string{"", "alice", "CORP\\bob", "SYSTEM", "carol"}
	levels := []string{"low", "medium", "high", "critical"}
	var dets []Detection
	at := time.Duration(0)
	for i := range n {
		at += time.Duration(r.IntN(90)) * time.Second
		if r.IntN(25) == 0 {
			at += 2 * time.Hour // a quiet spell ends the incidents
		}
		t := at
		if r.IntN(8) == 0 {
			t -= time.Duration(r.IntN(20)) * time.Minute // late
		}
		rule := r.IntN(4)
		dt := det(fmt.Sprintf("r%d", rule), levels[rule], fmt.Sprintf("WS%d", r.IntN(4)), users[r.IntN(len(users))], t, uint64(i+1))
		if r.IntN(5) == 0 {
			dt.Key = fmt.Sprintf("k%d", r.IntN(2))
		}
		switch r.IntN(12) { // what the event names, as the service would hand it over
		case 0:
			dt.Entities = []Entity{{EntitySource, fmt.Sprintf("WS%d.corp.example", r.IntN(4))}}
		case 1:
			dt.Entities = []Entity{{EntityTarget, fmt.Sprintf("ws%d", r.IntN(4))}, {EntitySource, "185.220.101.47"}}
		case 2:
			dt.Entities = []Entity{{EntityArtifact, fmt.Sprintf("gpo:{%d}", r.IntN(2))}}
		}
		if r.IntN(10) == 0 && i > 3 {
			dt.RuleID, dt.Record = "corr", 0
			dt.CorrelationEvents = []uint64{uint64(i - r.IntN(4)), uint64(i - r.IntN(min(i, 40)))}
		}
		dets = append(dets, dt)
	}
	return dets
}

// TestDedupeReplay checks the crash guarantee: committing after detection
// k, restoring from what was committed and replaying the rest gives the
// alerts and incidents, IDs and counts, that one uninterrupted run gave.
func TestDedupeReplay(t *testing.T) {
	const w, iw = 10 * time.Minute, 30 * time.Minute
	for seed := range uint64(4) {
		dets := randomDetections(seed, 300)
		wantA, wantI := addAll(NewDeduper(w, iw), dets)
		if len(wantA) < 20 || len(wantI) < 5 {
			t.Fatalf("seed %d: only %d alerts and %d incidents: too few to test with", seed, len(wantA), len(wantI))
		}
		for k := 0; k <= len(dets); k += 7 {
			gotA, gotI := addAll(NewDeduper(w, iw), dets[:k])
			d := NewDeduper(w, iw)
			d.Restore(values(gotA), values(gotI))
			apply(d, dets[k:], gotA, gotI)
			if !reflect.DeepEqual(gotA, wantA) {
				t.Fatalf("seed %d, restart after %d: alerts differ from one run:\n%s", seed, k, diffAlerts(gotA, wantA))
			}
			if !reflect.DeepEqual(gotI, wantI) {
				t.Fatalf("seed %d, restart after %d: incidents differ from one run:\n%s", seed, k, diffIncidents(gotI, wantI))
			}
		}
	}
}

func values[T any](m map[string]*T) []*T {
	var out []*T
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func diffAlerts(got, want map[string]*Alert) string {
	for id, w := range want {
		if g, ok := got[id]; !ok {
			return fmt.Sprintf("missing %s %+v", id, *w)
		} else if !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("got  %+v\nwant %+v", *g, *w)
		}
	}
	for id, g := range got {
		if _, ok := want[id]; !ok {
			return fmt.Sprintf("extra %s %+v", id, *g)
		}
	}
	return "(no difference in alerts)"
}

// TestDedupeEvicts checks that memory follows the event rate, not history.
func TestDedupeEvicts(t *testing.T) {
	d := NewDeduper(time.Minute, 5*time.Minute)
	for i := range 10_000 {
		dt := det(fmt.Sprintf("r%d", i%7), "low", fmt.Sprintf("WS%d", i%50), fmt.Sprintf("u%d", i%30), time.Duration(i)*time.Second, uint64(i+1))
		d.Add(dt)
	}
	// 10,000 seconds of detections; about 12 minutes of them can be held.
	alerts := len(d.alerts)
	if alerts > 1000 || len(d.incidents) > 200 || len(d.byRecord) > 1000 {
		t.Fatalf("holding %d alerts, %d incidents, %d records after 10,000 detections: not evicting", alerts, len(d.incidents), len(d.byRecord))
	}
	if alerts == 0 || len(d.incidents) == 0 {
		t.Fatal("evicted even the open windows")
	}
}

func TestLevelRank(t *testing.T) {
	got := []int{LevelRank("informational"), LevelRank("Low"), LevelRank("medium"), LevelRank("HIGH"), LevelRank("critical"), LevelRank(""), LevelRank("severe")}
	if want := []int{1, 2, 3, 4, 5, 0, 0}; !slices.Equal(got, want) {
		t.Fatalf("ranks %v, want %v", got, want)
	}
}

func diffIncidents(got, want map[string]*Incident) string {
	for id, w := range want {
		if g, ok := got[id]; !ok {
			return fmt.Sprintf("missing %s %+v", id, *w)
		} else if !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("got  %+v\nwant %+v", *g, *w)
		}
	}
	for id, g := range got {
		if _, ok := want[id]; !ok {
			return fmt.Sprintf("extra %s %+v", id, *g)
		}
	}
	return "(no difference in incidents)"
}
