package notify

import (
	"github.com/vigilhealth/vigil/internal/alert"
)

// Route sends a Dispatcher's alerts of MinLevel and above to Target.
type Route struct {
	// Key names the route from one SetRoutes to the next: a route given
	// again under the same Key keeps its queue, throttle memory, counts
	// and Target (only MinLevel is taken anew), so that no alert queued
	// for it is lost. A target whose address changes is a new route, under
	// a new Key.
	Key      string
	Target   Target
	MinLevel string // "" means Options.MinLevel; an unknown level is logged and read as high
}

// SetRoutes makes routes the Dispatcher's, at once and while it runs: a
// route whose Key was there before keeps its queue and goes on; a new one
// gets its own queue and workers; one no longer given is stopped, its
// send in flight cancelled and what it had queued left unsent. Of two
// routes with one Key the first counts.
func (d *Dispatcher) SetRoutes(routes []Route) {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := make(map[string]*lane, len(d.lanes))
	for _, l := range d.lanes {
		old[l.key] = l
	}
	lanes := make([]*lane, 0, len(routes))
	for _, r := range routes {
		l := old[r.Key]
		switch {
		case l != nil:
			delete(old, r.Key)
		case r.Target == nil || seen(lanes, r.Key):
			continue
		default:
			l = newLane(r.Key, r.Target, d.opts.QueueLen)
			d.startLocked(l)
		}
		l.minRank = d.rank(r.MinLevel, l.target.Name())
		lanes = append(lanes, l)
	}
	for _, l := range old { // taken away
		l.removed.Store(true)
		if l.cancel != nil {
			l.cancel()
		}
	}
	d.lanes = lanes
}

// seen reports whether lanes hold one keyed key.
func seen(lanes []*lane, key string) bool {
	for _, l := range lanes {
		if l.key == key {
			return true
		}
	}
	return false
}

// rank is the rank of a route's lowest level, level; target names the
// route in the warning an unknown level gives.
func (d *Dispatcher) rank(level, target string) int {
	if level == "" {
		return d.minRank
	}
	if n := alert.LevelRank(level); n > 0 {
		return n
	}
	d.log.Warn("notify: unknown min_level of a target, using high", "target", target, "min_level", level)
	return alert.LevelRank("high")
}
