package eventstore

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

func BenchmarkIndexBuilderOnly(b *testing.B) {
	const n = 1000
	recs := make([][]byte, n)
	var ev event.Event
	for i := range recs {
		benchEvent(&ev, i)
		recs[i] = ev.AppendBinary(nil)
	}
	for _, c := range []struct {
		name string
		f    bool
	}{{"summary", false}, {"filters", true}} {
		b.Run(c.name, func(b *testing.B) {
			ib := newIndexBuilder(64<<20, c.f)
			cpu := cpuTime()
			i := 0
			for b.Loop() {
				ib.add(uint64(i+1), recs[i%n])
				i++
			}
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/event")
		})
	}
}
