package people

import (
	"context"
	"fmt"
	"testing"
)

// benchPulseStore returns a file store holding a directory of 20,000 staff
// in 8 groups at 5 sites and four rounds of answers, 30 in every cell.
func benchPulseStore(b *testing.B) *Store {
	b.Helper()
	tr, _ := benchTraining(b, 20000, 1)
	s, err := OpenStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if _, err := s.ds.SaveImported(ctx, Imported{Staff: tr.dir.People()}); err != nil {
		b.Fatal(err)
	}
	if s, err = NewStore(s.ds); err != nil {
		b.Fatal(err)
	}
	for q := 1; q <= 4; q++ {
		for g := range 8 {
			for site := range 5 {
				c := PulseCount{Round: fmt.Sprintf("2026-Q%d", q), Group: fmt.Sprint("group-", g), Site: fmt.Sprint("site-", site),
					Respondents: 30, Answered: [numQuestions]int{30, 30, 30, 30}, Positive: [numQuestions]int{20, 10, 15, 12}}
				if err := s.ds.AddPulseCount(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	return s
}

// BenchmarkStorePulseResults: one round's results as GET /api/v1/pulse
// gives them, the counts read from the DataStore for each request.
func BenchmarkStorePulseResults(b *testing.B) {
	s := benchPulseStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.PulseResults(ctx, "2026-Q3")
		if err != nil || res.Respondents != 8*5*30 {
			b.Fatalf("results %d respondents, %v", res.Respondents, err)
		}
	}
}

// BenchmarkStoreSubmitPulse: one answer checked and its cell's count
// saved (pulse.json replaced and synced) over 160 cells.
func BenchmarkStoreSubmitPulse(b *testing.B) {
	s := benchPulseStore(b)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		r := Response{Round: "2026-Q2", Group: fmt.Sprint("group-", i%8), Site: fmt.Sprint("site-", i%5), Answers: [numQuestions]Answer{Agree, Disagree, Yes, No}}
		if err := s.SubmitPulse(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}
