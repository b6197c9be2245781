package alert

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkDeduperAdd measures one detection through the Deduper: a steady
// stream over 20 rules, 200 hosts and 50 users, ten detections a second of
// event time, so that windows open, fill and are evicted.
func BenchmarkDeduperAdd(b *testing.B) {
	dets := make([]Detection, 4096)
	for i := range dets {
		dets[i] = det(fmt.Sprintf("rule-%d", i%20), "medium", fmt.Sprintf("WS%03d", (i*7)%200), fmt.Sprintf("user%d", i%50), 0, uint64(i+1))
	}
	d := NewDeduper(10*time.Minute, 30*time.Minute)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dt := dets[i%len(dets)]
		dt.Time = t0.Add(time.Duration(i) * 100 * time.Millisecond)
		dt.Record = uint64(i + 1)
		d.Add(dt)
		i++
	}
}
