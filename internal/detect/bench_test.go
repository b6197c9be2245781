package detect

import (
	"runtime"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
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
		cpu := sharedtest.ProcessCPU()
		for b.Loop() {
			dst = m.Match(events[i%len(events)], s, dst[:0])
			i++
		}
		reportRates(b, sharedtest.ProcessCPU()-cpu)
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		cpu := sharedtest.ProcessCPU()
		b.RunParallel(func(pb *testing.PB) {
			s := m.NewScratch()
			var dst []*sigma.Rule
			i := 0
			for pb.Next() {
				dst = m.Match(events[i%len(events)], s, dst[:0])
				i++
			}
		})
		reportRates(b, sharedtest.ProcessCPU()-cpu)
	})
}

// reportRates reports events per second of wall time and CPU time per
// event. On a shared machine the wall rate varies with the other load;
// the CPU cost per event does not, so 2 cores / cpu-µs/event is the rate
// the matcher reaches with both cores to itself.
func reportRates(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/event")
	}
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

// BenchmarkPrefilter measures the prefilter alone (classification and the
// automaton scans) on the regression events with all SigmaHQ rules.
func BenchmarkPrefilter(b *testing.B) {
	m := NewMatcher(loadSigmaHQ(b))
	events := benchEvents(b, 4096)
	s := m.NewScratch()
	bytes := 0
	for _, ev := range events {
		m.Match(ev, s, nil)
		c := m.e.candidatesOf(ev, s)
		for i := 0; i < ev.Len(); i++ {
			id, v := ev.Field(i)
			if c.wants(id) {
				bytes += len(v)
			}
			if c.keywords != nil {
				bytes += len(v)
			}
		}
	}
	b.SetBytes(int64(bytes / len(events)))
	i := 0
	cpu := sharedtest.ProcessCPU()
	for b.Loop() {
		ev := events[i%len(events)]
		c := m.e.candidatesOf(ev, s)
		if c.scan {
			s.advance()
			m.e.prefilter(ev, s, c)
		}
		i++
	}
	reportRates(b, sharedtest.ProcessCPU()-cpu)
}
