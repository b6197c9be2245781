package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// BenchmarkIncidentsLive: a page of 50 incidents not merged out of 5,000,
// where 4 in 5 of the newest were merged into another (the worst case of
// the filter: PostgreSQL reads the index past the merged ones to fill the
// page), beside the embedded store.
func BenchmarkIncidentsLive(b *testing.B) {
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
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	incs := make([]*alert.Incident, 5000)
	for i := range incs {
		incs[i] = &alert.Incident{ID: fmt.Sprintf("i%05d", i), Title: "WS", Level: "high", Hosts: []string{fmt.Sprintf("WS%03d", i%300)},
			AlertIDs: []string{fmt.Sprintf("a%05d", i)}, FirstSeen: at.Add(-time.Duration(i) * time.Minute), LastSeen: at.Add(-time.Duration(i) * time.Minute), Status: "open"}
		if i%5 != 0 {
			incs[i].MergedInto = fmt.Sprintf("i%05d", i-i%5)
		}
	}
	for _, name := range []string{"file", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := stores[name](b)
			defer s.Close()
			ctx := context.Background()
			if err := s.Commit(ctx, 1, nil, incs); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				got, err := s.Incidents(ctx, alert.IncidentQuery{Limit: 50})
				if err != nil || len(got) != 50 || got[49].MergedInto != "" {
					b.Fatalf("%d incidents, %v", len(got), err)
				}
			}
		})
	}
}
