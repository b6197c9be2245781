package serve

import (
	"sync/atomic"
	"testing"
	"time"
)

// fullRing is a ring of four listeners holding an hour of samples.
func fullRing() (*signalRing, time.Time) {
	counters := map[string]*atomic.Int64{"fhir": {}, "hl7": {}, "http": {}, "syslog": {}}
	r := newSignalRing(counters, signalEvery, signalKeep)
	now := ringT0
	for range len(r.at) + 10 {
		for _, c := range counters {
			c.Add(100)
		}
		r.sample(now)
		now = now.Add(signalEvery)
	}
	return r, now
}

// BenchmarkSignalRingSample is one sample of four listeners' counters,
// taken every 10 s: it must not allocate.
func BenchmarkSignalRingSample(b *testing.B) {
	r, now := fullRing()
	b.ReportAllocs()
	for b.Loop() {
		r.sample(now)
	}
	if a := testing.AllocsPerRun(100, func() { r.sample(now) }); a != 0 {
		b.Fatalf("a sample allocates %.0f times, want 0", a)
	}
}

// BenchmarkSignalRingOverview is what one overview (or GET
// /api/v1/stats) reads from a full ring: the rates and the hour's bars.
func BenchmarkSignalRingOverview(b *testing.B) {
	r, now := fullRing()
	start := now.Add(-time.Hour).Truncate(5 * time.Minute).Add(5 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		r.rates(now)
		r.bars(now, start, 5*time.Minute, 12)
	}
}
