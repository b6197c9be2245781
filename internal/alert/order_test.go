package alert

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// alertShape is what must not depend on arrival order.
type alertShape struct {
	rule, host, key string
	count           int
	first, last     time.Time
}

func shapes(alerts map[string]*Alert) []string {
	var out []string
	for _, a := range alerts {
		out = append(out, fmt.Sprint(alertShape{a.RuleID, strings.ToLower(a.Host), a.Key, a.Count, a.FirstSeen, a.LastSeen}))
	}
	slices.Sort(out)
	return out
}

// streamOf makes n detections over span from t0, a few rules, hosts and
// keys, with repeated timestamps now and then.
func streamOf(r *rand.Rand, n int, span time.Duration) []Detection {
	dets := make([]Detection, n)
	for i := range dets {
		at := time.Duration(r.Int64N(int64(span)))
		if i > 0 && r.IntN(10) == 0 {
			at = dets[i-1].Time.Sub(t0) // the same instant twice
		}
		dets[i] = det(fmt.Sprintf("r%d", r.IntN(3)), "medium", []string{"WS1", "ws1", "WS2", "SRV1"}[r.IntN(4)], "", at, uint64(i+1))
		if r.IntN(3) == 0 {
			dets[i].Key = fmt.Sprintf("k%d", r.IntN(2))
		}
	}
	return dets
}

// TestAlertsIndependentOfArrivalOrder is the property that imports rely
// on: the same events give the same alerts (rule, host, key, count, first
// and last seen) in whatever order they arrive, as long as none arrives
// more than a window older than the newest before it; within one window's
// span, in any order at all.
func TestAlertsIndependentOfArrivalOrder(t *testing.T) {
	const w = 10 * time.Minute
	tests := []struct {
		name    string
		span    time.Duration
		arrange func(r *rand.Rand, dets []Detection)
	}{
		{"any order within a window's span", w - time.Second, func(r *rand.Rand, dets []Detection) {
			r.Shuffle(len(dets), func(i, j int) { dets[i], dets[j] = dets[j], dets[i] })
		}},
		{"up to a window late over hours", 5 * time.Hour, func(r *rand.Rand, dets []Detection) {
			// Arrival by time plus a delay under a window: each event is
			// less than a window older than any that came before it.
			delay := make(map[*Detection]time.Duration, len(dets))
			for i := range dets {
				delay[&dets[i]] = time.Duration(r.Int64N(int64(w)))
			}
			keyed := make([]struct {
				d   Detection
				key time.Time
			}, len(dets))
			for i := range dets {
				keyed[i].d, keyed[i].key = dets[i], dets[i].Time.Add(delay[&dets[i]])
			}
			sort.SliceStable(keyed, func(i, j int) bool { return keyed[i].key.Before(keyed[j].key) })
			for i := range keyed {
				dets[i] = keyed[i].d
			}
		}},
		{"newest first within a window's span", w - time.Second, func(r *rand.Rand, dets []Detection) {
			sort.SliceStable(dets, func(i, j int) bool { return dets[i].Time.After(dets[j].Time) })
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range uint64(20) {
				r := rand.New(rand.NewPCG(seed, 7))
				dets := streamOf(r, 400, tc.span)
				ordered := slices.Clone(dets)
				sort.SliceStable(ordered, func(i, j int) bool { return ordered[i].Time.Before(ordered[j].Time) })
				want, _ := addAll(NewDeduper(w, time.Hour), ordered)
				if tc.span > w && len(want) < 50 {
					t.Fatalf("seed %d: only %d alerts: too few windows to test with", seed, len(want))
				}
				for range 5 {
					arrival := slices.Clone(dets)
					tc.arrange(r, arrival)
					got, _ := addAll(NewDeduper(w, time.Hour), arrival)
					if g, w := shapes(got), shapes(want); !slices.Equal(g, w) {
						t.Fatalf("seed %d: alerts differ with arrival order:\n got %v\nwant %v", seed, g, w)
					}
				}
			}
		})
	}
}

// TestOldEventsFormTheirOwnAlert: events older than every open window (a
// backlog imported late) group into an alert of their own, one per window,
// and leave the later alert of the same rule and host alone.
func TestOldEventsFormTheirOwnAlert(t *testing.T) {
	const w = 10 * time.Minute
	d := NewDeduper(w, time.Hour)
	live, _ := d.Add(det("r1", "high", "WS1", "", 3*time.Hour, 1))
	var old []*Alert
	for i, at := range []time.Duration{time.Minute, 2 * time.Minute, 30 * time.Second, 12 * time.Minute} {
		as, _ := d.Add(det("r1", "high", "WS1", "", at, uint64(10+i)))
		old = append(old, as[0])
	}
	if old[0].ID == live[0].ID || old[1].ID != old[0].ID || old[2].ID != old[0].ID || old[3].ID == old[0].ID {
		t.Fatalf("imported alerts %v %v %v %v, live %v: want the first three one alert, the fourth (next window) another, neither the live one",
			old[0].ID, old[1].ID, old[2].ID, old[3].ID, live[0].ID)
	}
	if a := old[2]; a.Count != 3 || !a.FirstSeen.Equal(t0.Add(30*time.Second)) || !a.LastSeen.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("imported alert: count %d, seen %v..%v", a.Count, a.FirstSeen, a.LastSeen)
	}
	again, _ := d.Add(det("r1", "high", "WS1", "", 3*time.Hour+time.Second, 99))
	if again[0].ID != live[0].ID || again[0].Count != 2 {
		t.Fatalf("the live alert after the import: %+v", again[0])
	}
	// A reimport of the first old event once its alert is evicted is a new
	// alert, never a rewrite of the evicted one with a smaller count.
	d.Add(det("r1", "high", "WS1", "", 6*time.Hour, 100))
	re, _ := d.Add(det("r1", "high", "WS1", "", time.Minute, 101))
	if re[0].ID == old[0].ID {
		t.Fatal("a reimported event after eviction reused the evicted alert's ID")
	}
}
