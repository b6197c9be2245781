package serve

import (
	"sync"
	"testing"
)

func TestRuleCounts(t *testing.T) {
	var c ruleCounts
	if got := c.snapshot(); got == nil || len(got) != 0 {
		t.Fatalf("empty counts: %v", got)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				c.add("rule-a")
			}
			c.add("rule-b")
		})
	}
	wg.Wait()
	got := c.snapshot()
	if got["rule-a"] != 400 || got["rule-b"] != 4 || len(got) != 2 {
		t.Errorf("counts %v, want rule-a 400 and rule-b 4", got)
	}
	got["rule-a"] = 0
	if c.snapshot()["rule-a"] != 400 {
		t.Error("the snapshot shares the counter's map")
	}
}
