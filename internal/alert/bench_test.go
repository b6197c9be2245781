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

// BenchmarkDeduperAddLinked is BenchmarkDeduperAdd with linking at work:
// every detection names a source host and a target address, and every
// tenth is preceded by a sighting of a logon between hosts, as the
// detector hands them over.
func BenchmarkDeduperAddLinked(b *testing.B) {
	dets := make([]Detection, 4096)
	for i := range dets {
		dets[i] = det(fmt.Sprintf("rule-%d", i%20), "medium", fmt.Sprintf("WS%03d", (i*7)%200), fmt.Sprintf("user%d", i%50), 0, uint64(i+1))
		dets[i].Entities = []Entity{{EntitySource, fmt.Sprintf("WS%03d", (i*13)%200)}, {EntityTarget, fmt.Sprintf("10.1.%d.%d", i%4, i%250)}}
	}
	d := NewDeduper(10*time.Minute, 30*time.Minute)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dt := dets[i%len(dets)]
		dt.Time = t0.Add(time.Duration(i) * 100 * time.Millisecond)
		dt.Record = uint64(i + 1)
		if i%10 == 0 {
			d.Observe(Sighting{Host: dt.Host, Time: dt.Time, Entities: []Entity{{EntitySource, fmt.Sprintf("WS%03d", i%200)}, {EntityAddress, fmt.Sprintf("10.2.%d.%d", i%4, i%250)}}})
		}
		d.Add(dt)
		i++
	}
}
