package correlate

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

const benchKeys = 100_000

// benchCorrelations are conditions that never hold, so that every key keeps
// its window: one per kind of state.
func benchCorrelations() map[string]*sigma.Correlation {
	base := func(typ sigma.CorrelationType, r sigma.Range) *sigma.Correlation {
		return &sigma.Correlation{Meta: sigma.Meta{Title: string(typ)}, Type: typ, Rules: []string{"r"},
			GroupBy: []string{"User"}, Timespan: time.Hour, Field: "Host", Condition: r}
	}
	temporal := base(sigma.Temporal, sigma.Range{})
	temporal.Rules = []string{"r", "never"}
	return map[string]*sigma.Correlation{
		"event_count":    base(sigma.EventCount, sigma.Range{GTE: num(1e9)}),
		"value_count":    base(sigma.ValueCount, sigma.Range{GTE: num(1e9)}),
		"temporal":       temporal,
		"event_count_lt": base(sigma.EventCount, sigma.Range{LT: num(1e9)}),
	}
}

// benchRules are the rules benchCorrelations reference.
func benchRules() []*sigma.Rule { return []*sigma.Rule{rule("r", "r"), rule("never", "never")} }

// benchEngine builds an engine for c and returns it with a function that
// feeds the next event: round-robin over 100,000 users, one millisecond
// apart, so that every key stays in its window.
func benchEngine(b *testing.B, c *sigma.Correlation) (*Engine, func()) {
	users := make([]string, benchKeys)
	for i := range users {
		users[i] = "user" + strconv.Itoa(i)
	}
	hosts := []string{"pc0", "pc1", "pc2", "pc3", "pc4", "pc5", "pc6"}
	userID, hostID := event.Intern("User"), event.Intern("Host")
	rules := benchRules()
	e, err := New(rules, []*sigma.Correlation{c})
	if err != nil {
		b.Fatal(err)
	}
	var ev event.Event
	i := 0
	return e, func() {
		ev.Reset()
		ev.Time, ev.Record, ev.Source = t0.Add(time.Duration(i)*time.Millisecond), uint64(i), "bench.evtx"
		ev.Add(userID, users[i%benchKeys])
		ev.Add(hostID, hosts[i%len(hosts)])
		if got := e.Observe(rules[0], &ev); len(got) != 0 {
			b.Fatalf("unexpected result %+v", got[0])
		}
		i++
	}
}

// BenchmarkObserve feeds events over 100,000 keys (see benchEngine); it
// reports the heap each key holds after its first event.
func BenchmarkObserve(b *testing.B) {
	for name, c := range benchCorrelations() {
		b.Run(name, func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			e, observe := benchEngine(b, c)
			for range benchKeys {
				observe()
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			if w := e.Stats().Windows; w != benchKeys {
				b.Fatalf("%d windows, want %d", w, benchKeys)
			}
			perKey := float64(after.HeapAlloc-before.HeapAlloc) / benchKeys
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				observe()
			}
			b.ReportMetric(perKey, "B/key")
		})
	}
}

// BenchmarkState encodes and restores 100,000 open windows (two events
// each) per kind of state, and reports the encoding's size.
func BenchmarkState(b *testing.B) {
	for name, c := range benchCorrelations() {
		e, observe := benchEngine(b, c)
		for range 2 * benchKeys {
			observe()
		}
		state, err := e.MarshalState()
		if err != nil {
			b.Fatal(err)
		}
		b.Run("marshal/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.MarshalState(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(state)), "bytes")
			b.ReportMetric(float64(len(state))/benchKeys, "B/window")
		})
		b.Run("unmarshal/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fresh, _ := New(benchRules(), []*sigma.Correlation{c})
				if _, err := fresh.UnmarshalState(state); err != nil || fresh.Stats().Windows != benchKeys {
					b.Fatalf("restored %d windows: %v", fresh.Stats().Windows, err)
				}
			}
		})
	}
}
