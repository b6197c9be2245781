package detect

import (
	"runtime"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// benchEvents returns the regression events, replicated to n, each
// prepared once as Match leaves it (aliases added, lower-case cache warm),
// as a stream of fresh events would be after its first rule looked at it.
func benchEvents(b *testing.B, n int) []*event.Event {
	var base []*event.Event
	for _, c := range loadRegression(b) {
		base = append(base, c.events...)
	}
	out := make([]*event.Event, 0, n)
	for len(out) < n {
		for _, ev := range base {
			out = append(out, ev.Clone())
		}
	}
	return out[:n]
}

// newMatcherMeasured builds the matcher and reports the heap it holds.
func newMatcherMeasured(b *testing.B, rules []*sigma.Rule) *Matcher {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := NewMatcher(rules)
	runtime.GC()
	runtime.ReadMemStats(&after)
	st := m.Stats()
	b.Logf("matcher: %d rules, %d literals, %d automata, %d states, automata %.1f MiB, heap %.1f MiB",
		st.Rules, st.Literals, st.Automata, st.States, float64(st.AutomataBytes)/(1<<20),
		float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20))
	return m
}

// BenchmarkMatcher runs all SigmaHQ rules over the regression events:
// one goroutine, then all cores.
func BenchmarkMatcher(b *testing.B) {
	rules := loadSigmaHQ(b)
	m := newMatcherMeasured(b, rules)
	events := benchEvents(b, 4096)
	warm := m.NewScratch()
	for _, ev := range events {
		m.Match(ev, warm, nil)
	}
	b.Run("serial", func(b *testing.B) {
		s := m.NewScratch()
		var dst []*sigma.Rule
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			dst = m.Match(events[i%len(events)], s, dst[:0])
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			s := m.NewScratch()
			var dst []*sigma.Rule
			i := 0
			for pb.Next() {
				dst = m.Match(events[i%len(events)], s, dst[:0])
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkBruteForce is the baseline: every rule's log source and Match
// on every event.
func BenchmarkBruteForce(b *testing.B) {
	rules := loadSigmaHQ(b)
	events := benchEvents(b, 4096)
	srcs := make([]Sources, len(events))
	for i, ev := range events {
		AddAliases(ev)
		srcs[i] = Classify(ev)
	}
	n := 0
	i := 0
	for b.Loop() {
		ev, src := events[i%len(events)], srcs[i%len(events)]
		for _, r := range rules {
			if src.Matches(r.LogSource) && r.Match(ev) {
				n++
			}
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
