package notify

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// running runs d in the background until the test ends, and returns
// a function that stops it and waits.
func running(t *testing.T, d *Dispatcher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	}
	t.Cleanup(stop)
	return stop
}

// until polls cond for a few seconds, failing the test with what if it
// never holds.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestRouteMinLevel(t *testing.T) {
	tests := []struct {
		name     string
		minLevel string // the route's
		want     []string
	}{
		{"default is the dispatcher's", "", []string{"h", "c"}},
		{"informational takes all", "informational", []string{"i", "m", "h", "c"}},
		{"critical only", "critical", []string{"c"}},
		{"unknown reads as high", "severe", []string{"h", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{name: "r"}
			d := NewDispatcher(nil, Options{MinLevel: "high", Workers: 1, Throttle: -1}, nil)
			d.SetRoutes([]Route{{Key: "k", Target: r, MinLevel: tt.minLevel}})
			for _, a := range [][2]string{{"i", "informational"}, {"m", "medium"}, {"h", "high"}, {"c", "critical"}} {
				d.Notify(withID(a[0], a[1]))
			}
			runFor(t, d, uint64(len(tt.want)))
			if got := r.ids(); !slices.Equal(got, tt.want) {
				t.Errorf("sent %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSetRoutesKeepsQueuedAlerts changes the routes while a kept target's
// alerts wait behind a blocked send: none of them is lost, the new route
// is served at once, and the removed one is told nothing more.
func TestSetRoutesKeepsQueuedAlerts(t *testing.T) {
	kept := &recorder{name: "kept", block: make(chan struct{})}
	gone := &recorder{name: "gone", block: make(chan struct{})}
	added := &recorder{name: "added"}
	d := NewDispatcher(nil, Options{Workers: 1, Throttle: -1, Retries: -1}, nil)
	d.SetRoutes([]Route{{Key: "a", Target: kept}, {Key: "b", Target: gone}})
	running(t, d)
	for _, id := range []string{"1", "2", "3"} {
		d.Notify(withID(id, "high"))
	}
	until(t, "two alerts queued behind the blocked send", func() bool { return d.Stats()["kept"].Queued == 2 })

	d.SetRoutes([]Route{{Key: "a", Target: &recorder{name: "ignored"}, MinLevel: "critical"}, {Key: "c", Target: added}})
	if st := d.Stats(); st["kept"].Queued != 2 || len(st) != 2 || st["ignored"] != (TargetStats{}) {
		t.Fatalf("stats after SetRoutes %+v: want kept's queue kept under its own target, gone gone", st)
	}
	d.Notify(withID("4", "high"))     // below kept's new level
	d.Notify(withID("5", "critical")) // to both
	close(kept.block)
	until(t, "kept sent its queue and the critical one", func() bool { return d.Stats()["kept"].Sent == 4 })
	if got, want := kept.ids(), []string{"1", "2", "3", "5"}; !slices.Equal(got, want) {
		t.Errorf("kept target got %v, want %v", got, want)
	}
	until(t, "the added route sent", func() bool { return d.Stats()["added"].Sent == 2 })
	if got, want := added.ids(), []string{"4", "5"}; !slices.Equal(got, want) {
		t.Errorf("added target got %v, want %v", got, want)
	}
	close(gone.block) // its blocked send was cancelled: nothing arrives
	if got := gone.ids(); len(got) != 0 {
		t.Errorf("removed target got %v, want nothing", got)
	}
}

// TestRunWithoutRoutesServesLaterOnes: a Dispatcher started with no
// target (the service before any is added) runs until stopped, and
// serves a route given while it runs; stopping drains it.
func TestRunWithoutRoutesServesLaterOnes(t *testing.T) {
	d := NewDispatcher(nil, Options{Throttle: -1}, nil)
	stop := running(t, d)
	r := &recorder{name: "r"}
	d.SetRoutes([]Route{{Key: "x", Target: r}})
	d.Notify(withID("1", "high"))
	until(t, "the route added while running sent", func() bool { return d.Stats()["r"].Sent == 1 })
	late := &recorder{name: "late"}
	d.SetRoutes([]Route{{Key: "x", Target: r}, {Key: "y", Target: late}})
	d.Notify(withID("2", "high"))
	stop() // sent by then, or drained
	if st := d.Stats(); st["r"].Sent != 2 || st["late"].Sent != 1 {
		t.Errorf("after stop %+v, want r 2 sent and late 1", st)
	}
}

func TestSetRoutesDuplicateAndNil(t *testing.T) {
	first, second := &recorder{name: "first"}, &recorder{name: "second"}
	d := NewDispatcher(nil, Options{Throttle: -1}, nil)
	d.SetRoutes([]Route{{Key: "k", Target: first}, {Key: "k", Target: second}, {Key: "nil"}})
	d.Notify(withID("1", "high"))
	st := runFor(t, d, 1)
	if len(st) != 1 || st["first"].Sent != 1 {
		t.Errorf("stats %+v, want only the first of two routes keyed k", st)
	}
}

// TestStatsSumsTargetsOfOneName: two routes to one host show as one name.
func TestStatsSumsTargetsOfOneName(t *testing.T) {
	a, b := &recorder{name: "webhook https://soc"}, &recorder{name: "webhook https://soc"}
	d := NewDispatcher([]Target{a, b}, Options{Throttle: -1}, nil)
	d.Notify(withID("1", "high"))
	d.Notify(withID("2", "high"))
	st := runFor(t, d, 4)
	if got := st["webhook https://soc"].Sent; got != 4 {
		t.Errorf("sent %d under the shared name, want 4", got)
	}
}

// TestSetRoutesUnderLoad changes the routes over and over while alerts
// are notified from several goroutines and sent: the route kept
// throughout receives every alert, once (run with -race).
func TestSetRoutesUnderLoad(t *testing.T) {
	kept := &recorder{name: "kept"}
	d := NewDispatcher(nil, Options{Throttle: -1, QueueLen: 1 << 14}, nil)
	d.SetRoutes([]Route{{Key: "kept", Target: kept}})
	stop := running(t, d)
	const senders, each = 4, 200
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			routes := []Route{{Key: "kept", Target: kept}}
			if i%2 == 0 {
				routes = append(routes, Route{Key: "flap", Target: &recorder{name: "flap"}, MinLevel: "low"})
			}
			d.SetRoutes(routes)
			if d.Stats()["kept"].Sent == senders*each {
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				d.Notify(withID(strconv.Itoa(s)+"-"+strconv.Itoa(i), "high"))
			}
		})
	}
	wg.Wait()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("kept route sent %+v of %d", d.Stats()["kept"], senders*each)
	}
	stop()
	ids := kept.ids()
	slices.Sort(ids)
	if len(ids) != senders*each || len(slices.Compact(ids)) != senders*each {
		t.Errorf("kept route got %d alerts (%d distinct), want each of %d once", len(kept.ids()), len(slices.Compact(ids)), senders*each)
	}
}
