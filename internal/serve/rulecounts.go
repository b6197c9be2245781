package serve

import (
	"maps"
	"sync"
)

// ruleCounts counts detections per rule or correlation since start (by
// ruleID), for the console's rules page. The detector adds under a lock
// of its own: detections are few beside events, so the lock is cheap.
type ruleCounts struct {
	mu sync.Mutex
	m  map[string]int64
}

// add counts one detection of the rule with this id.
func (c *ruleCounts) add(id string) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]int64{}
	}
	c.m[id]++
	c.mu.Unlock()
}

// snapshot returns a copy of the counts; the map is the caller's.
func (c *ruleCounts) snapshot() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := maps.Clone(c.m)
	if out == nil {
		out = map[string]int64{}
	}
	return out
}
