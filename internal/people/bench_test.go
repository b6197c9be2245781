package people

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchTraining builds a trust of staff people in 8 staff groups at 5
// sites, each holding most of courses courses, some of them twice.
func benchTraining(tb testing.TB, staff, courses int) (*Training, []Requirement) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	people := make([]Person, staff)
	for i := range people {
		id := fmt.Sprintf("E%06d", i)
		people[i] = Person{ID: id, Name: "Staff " + id, Email: id + "@trust.nhs.uk", Group: fmt.Sprintf("group-%d", i%8), Site: fmt.Sprintf("site-%d", i%5)}
	}
	dir, err := NewDirectory(people)
	if err != nil {
		tb.Fatal(err)
	}
	reqs := make([]Requirement, courses)
	for c := range reqs {
		reqs[c] = Requirement{Course: fmt.Sprintf("Course %02d", c)}
		if c%3 == 2 {
			reqs[c].Groups = []string{"group-1", "group-2", "group-3"}
		}
	}
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []Record
	for _, p := range people {
		for c := range courses {
			if rng.IntN(10) == 0 {
				continue // never done
			}
			for range 1 + rng.IntN(2) {
				done := base.AddDate(0, 0, rng.IntN(1000))
				recs = append(recs, Record{StaffID: p.ID, Course: reqs[c].Course, Completed: done, Expires: done.AddDate(1, 0, 0)})
			}
		}
	}
	return NewTraining(dir, recs), reqs
}

// BenchmarkTrainingRollup rolls up 20,000 staff × 30 courses.
func BenchmarkTrainingRollup(b *testing.B) {
	tr, reqs := benchTraining(b, 20000, 30)
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := tr.Rollup(at, reqs, nil)
		if r.Overall.Staff != 20000 {
			b.Fatalf("staff %d", r.Overall.Staff)
		}
	}
}

// BenchmarkNewTraining indexes the records of 20,000 staff × 30 courses.
func BenchmarkNewTraining(b *testing.B) {
	tr, _ := benchTraining(b, 20000, 30)
	recs := make([]Record, 0, 900000)
	for i, hs := range tr.hist {
		for _, h := range hs {
			for _, s := range h.spans {
				recs = append(recs, Record{StaffID: tr.dir.people[i].ID, Course: fmt.Sprintf("Course %02d", h.course), Completed: time.Unix(s.done, 0), Expires: time.Unix(s.expires, 0)})
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		NewTraining(tr.dir, recs)
	}
	b.ReportMetric(float64(len(recs)), "records")
}
