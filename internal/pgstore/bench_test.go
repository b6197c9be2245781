package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// The benchmarks run each PostgreSQL store beside its embedded
// counterpart in the same run (sub-benchmarks file and postgres), so that
// the ratio between them is measured on the same machine at the same time.

func benchAlerts(n int, round int) []*alert.Alert {
	out := make([]*alert.Alert, n)
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC).Add(time.Duration(round) * time.Minute)
	for i := range out {
		out[i] = &alert.Alert{
			ID: fmt.Sprintf("a%05d", i), RuleID: fmt.Sprintf("rule-%d", i%20), RuleTitle: "Suspicious process", Level: "high",
			Tags: []string{"attack.execution"}, Host: fmt.Sprintf("WS%03d", i%200), User: "CORP\\alice", Count: round + 1,
			FirstSeen: at, LastSeen: at, IncidentID: fmt.Sprintf("i%03d", i%200), Records: []uint64{uint64(i)}, Status: "open",
			Event: map[string]any{"Image": `C:\Windows\System32\cmd.exe`, "CommandLine": "cmd /c whoami", "EventID": "4688"},
		}
	}
	return out
}

// BenchmarkCommit1000: one Commit of 1,000 alerts, each an update of an
// alert stored before (the detector's steady state), with 200 incidents.
func BenchmarkCommit1000(b *testing.B) {
	stores := map[string]func(b *testing.B) alert.Store{
		"file": func(b *testing.B) alert.Store {
			s, err := alert.OpenFileStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
		"postgres": func(b *testing.B) alert.Store { return pgtest.Open(b, b.TempDir(), pgstore.Options{}).Alerts() },
	}
	for _, name := range []string{"file", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := stores[name](b)
			defer s.Close()
			ctx := context.Background()
			incs := make([]*alert.Incident, 200)
			for i := range incs {
				incs[i] = &alert.Incident{ID: fmt.Sprintf("i%03d", i), Title: "WS", Level: "high", Hosts: []string{fmt.Sprintf("WS%03d", i)}, Status: "open"}
			}
			round := 0
			for b.Loop() {
				round++
				if err := s.Commit(ctx, uint64(round), benchAlerts(1000, round), incs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/alert")
		})
	}
}

type eventOpener func(b *testing.B) eventstore.Store

func eventStores() (names []string, open map[string]eventOpener) {
	return []string{"file", "postgres"}, map[string]eventOpener{
		"file": func(b *testing.B) eventstore.Store {
			s, err := eventstore.Open(b.TempDir(), eventstore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
		"postgres": func(b *testing.B) eventstore.Store {
			return pgtest.Open(b, b.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
		},
	}
}

// BenchmarkAppend10000: one Append of 10,000 events.
func BenchmarkAppend10000(b *testing.B) {
	evs := storetest.Numbered(10000)
	names, open := eventStores()
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			s := open[name](b)
			defer s.Close()
			next := uint64(1)
			for b.Loop() {
				if err := s.Append(context.Background(), storetest.Records(next, evs...)); err != nil {
					b.Fatal(err)
				}
				next += uint64(len(evs))
			}
			b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkSearch: selective queries over 50,000 stored events: a field
// value, a free-text word, and a time range with a histogram.
func BenchmarkSearch(b *testing.B) {
	evs := storetest.Numbered(50000)
	names, open := eventStores()
	queries := []struct {
		name string
		q    eventstore.Query
	}{
		{"field", eventstore.Query{Text: "Index:4242"}},
		{"text", eventstore.Query{Text: `"number 31337"`}},
		{"range", eventstore.Query{Text: "EventID:4624", Since: storetest.Base.Add(1000 * time.Minute), Until: storetest.Base.Add(1100 * time.Minute), Buckets: 10}},
	}
	for _, name := range names {
		s := open[name](b)
		defer s.Close()
		for i := 0; i < len(evs); i += 10000 {
			if err := s.Append(context.Background(), storetest.Records(uint64(i+1), evs[i:i+10000]...)); err != nil {
				b.Fatal(err)
			}
		}
		for _, q := range queries {
			b.Run(q.name+"/"+name, func(b *testing.B) {
				for b.Loop() {
					r, err := s.Search(context.Background(), q.q)
					if err != nil || r.Matched == 0 {
						b.Fatalf("%v, %v", r, err)
					}
				}
			})
		}
	}
}
