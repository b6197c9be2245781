package notify

import (
	"fmt"
	"testing"
)

// BenchmarkNotify is the detector's cost of telling the dispatcher of
// one alert with eight routes: below every route's level (nothing copied)
// and taken by all (one copy, queued eight times, then popped as a
// worker would, which the time includes, so that no queue fills).
func BenchmarkNotify(b *testing.B) {
	for _, level := range []string{"low", "critical"} {
		b.Run(level, func(b *testing.B) {
			d := NewDispatcher(nil, Options{Throttle: -1, QueueLen: 1024}, nil)
			var routes []Route
			for i := range 8 {
				routes = append(routes, Route{Key: fmt.Sprint(i), Target: &recorder{name: fmt.Sprint(i)}})
			}
			d.SetRoutes(routes)
			a := withID("x", level)
			b.ReportAllocs()
			for b.Loop() {
				d.Notify(a)
				for _, l := range d.lanes {
					l.pop()
				}
			}
		})
	}
}

// TestNotifyAllocations holds the allocation ceilings of Notify: none for
// an alert no route takes, the copy's for one they all take.
func TestNotifyAllocations(t *testing.T) {
	d := NewDispatcher(nil, Options{Throttle: -1, QueueLen: 16}, nil)
	d.SetRoutes([]Route{{Key: "a", Target: &recorder{name: "a"}}, {Key: "b", Target: &recorder{name: "b"}, MinLevel: "critical"}})
	low, high := withID("l", "low"), withID("h", "high")
	if n := testing.AllocsPerRun(100, func() { d.Notify(low) }); n != 0 {
		t.Errorf("Notify below every level: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { d.Notify(high) }); n > 5 {
		t.Errorf("Notify to one route: %v allocations, want at most 5 (the alert, its tags, records and event copied)", n)
	}
}
