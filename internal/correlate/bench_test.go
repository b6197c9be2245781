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

// BenchmarkObserve feeds events round-robin over 100,000 users, one
// millisecond apart, so every key stays in its window; it reports the heap
// each key holds after its first event.
func BenchmarkObserve(b *testing.B) {
	users := make([]string, benchKeys)
	for i := range users {
		users[i] = "user" + strconv.Itoa(i)
	}
	hosts := []string{"pc0", "pc1", "pc2", "pc3", "pc4", "pc5", "pc6"}
	userID, hostID := event.Intern("User"), event.Intern("Host")
	rules := []*sigma.Rule{rule("r", "r"), rule("never", "never")}
	for name, c := range benchCorrelations() {
		b.Run(name, func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			e, err := New(rules, []*sigma.Correlation{c})
			if err != nil {
				b.Fatal(err)
			}
			var ev event.Event
			i := 0
			observe := func() {
				ev.Reset()
				ev.Time, ev.Record, ev.Source = t0.Add(time.Duration(i)*time.Millisecond), uint64(i), "bench.evtx"
				ev.Add(userID, users[i%benchKeys])
				ev.Add(hostID, hosts[i%len(hosts)])
				if got := e.Observe(rules[0], &ev); len(got) != 0 {
					b.Fatalf("unexpected result %+v", got[0])
				}
				i++
			}
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
