package pgstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// The small stores take people's actions (a decision, a pulse answer), not
// event traffic: these measure one durable write of each beside the file
// store's synced append or rewrite.

// BenchmarkDecisionRecord: one outcome recorded, over 100 cases.
func BenchmarkDecisionRecord(b *testing.B) {
	stores := map[string]func(b *testing.B) privacy.DecisionStore{
		"file": func(b *testing.B) privacy.DecisionStore {
			l, err := privacy.OpenDecisionLog(filepath.Join(b.TempDir(), privacy.DecisionsFile))
			if err != nil {
				b.Fatal(err)
			}
			return l
		},
		"postgres": func(b *testing.B) privacy.DecisionStore {
			return pgtest.Open(b, b.TempDir(), pgstore.Options{}).PrivacyDecisions()
		},
	}
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	for _, name := range []string{"file", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := stores[name](b)
			defer s.Close()
			i := 0
			for b.Loop() {
				i++
				if _, err := s.Record(fmt.Sprint("case-", i%100), privacy.OutcomeCounselled, "po1", "", at); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPulseCount: one answer's count added, over 20 cells.
func BenchmarkPulseCount(b *testing.B) {
	stores := map[string]func(b *testing.B) people.DataStore{
		"file": func(b *testing.B) people.DataStore {
			s, err := people.OpenStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return s.DataStore()
		},
		"postgres": func(b *testing.B) people.DataStore { return pgtest.Open(b, b.TempDir(), pgstore.Options{}).People() },
	}
	ctx := context.Background()
	for _, name := range []string{"file", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s := stores[name](b)
			defer s.Close()
			i := 0
			for b.Loop() {
				i++
				c := people.PulseCount{Round: "2026-09", Group: fmt.Sprint("group-", i%10), Site: fmt.Sprint("site-", i%2),
					Respondents: 1, Answered: [4]int{1, 1, 1, 1}, Positive: [4]int{1, 0, 1, 0}}
				if err := s.AddPulseCount(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
