package privacy

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// benchTrust is a generated trust: wards of staff, patients with one
// visit each, and an access log in which most accesses are by the
// patient's ward staff and a few by anyone.
type benchTrust struct {
	staff    []Staff
	adts     []*hl7.ADT
	accesses []benchAccess
}

type benchAccess struct {
	user, pat int32
	t         int64
}

func newBenchTrust(wards, staffPerWard, patients, accesses int) *benchTrust {
	r := rand.New(rand.NewPCG(1, 2))
	bt := &benchTrust{}
	for w := 0; w < wards; w++ {
		for s := 0; s < staffPerWard; s++ {
			bt.staff = append(bt.staff, Staff{ID: fmt.Sprintf("U%05d", w*staffPerWard+s), Given: "Sam", Family: fmt.Sprintf("Staff%d", s),
				Role: "Staff Nurse", Department: fmt.Sprintf("Ward %d (Medicine)", w), Postcode: fmt.Sprintf("LS%d 1AA", w)})
		}
	}
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	type visit struct{ ward, from, to int64 }
	visits := make([]visit, patients)
	numbers := nhsList(patients)
	for p := 0; p < patients; p++ {
		w := r.IntN(wards)
		from := start.Add(time.Duration(r.IntN(30*24)) * time.Hour)
		to := from.Add(time.Duration(1+r.IntN(7*24)) * time.Hour)
		visits[p] = visit{int64(w), from.Unix(), to.Unix()}
		num := numbers[p]
		pt := hl7.Patient{NHSNumber: num, Name: hl7.Name{Family: fmt.Sprintf("Patient%d", p), Given: "Pat"}, Address: hl7.Address{Postcode: fmt.Sprintf("LS%d 2BB", p%97)}}
		v := &hl7.Visit{Ward: fmt.Sprintf("Ward %d", w), Number: "V" + num, AdmitTime: from,
			Attending: []hl7.Person{{ID: bt.staff[w*staffPerWard+r.IntN(staffPerWard)].ID}}}
		bt.adts = append(bt.adts, &hl7.ADT{Event: "A01", EventTime: from, Patient: pt, Visit: v})
		bt.adts = append(bt.adts, &hl7.ADT{Event: "A03", EventTime: to, Patient: pt, Visit: &hl7.Visit{Number: "V" + num, DischargeTime: to}})
	}
	for i := 0; i < accesses; i++ {
		p := r.IntN(patients)
		v := visits[p]
		u := int(v.ward)*staffPerWard + r.IntN(staffPerWard)
		if r.IntN(200) == 0 { // one in 200 by anyone at all
			u = r.IntN(len(bt.staff))
		}
		bt.accesses = append(bt.accesses, benchAccess{user: int32(u), pat: int32(p), t: v.from + r.Int64N(v.to-v.from+1)})
	}
	return bt
}

// load builds an Auditor holding the whole trust.
func (bt *benchTrust) load() *Auditor {
	a := New(DefaultOptions())
	for _, s := range bt.staff {
		a.AddStaff(s)
	}
	for _, m := range bt.adts {
		if err := a.AddADT(m); err != nil {
			panic(err)
		}
	}
	nums := make([]string, len(bt.adts)/2)
	for i := range nums {
		nums[i] = bt.adts[2*i].Patient.NHSNumber
	}
	var ac access.Access
	ac.Type = access.Coding{Code: "rest"}
	ac.Subtypes = []access.Coding{{Code: "read"}}
	for _, x := range bt.accesses {
		ac.UserID = bt.staff[x.user].ID
		ac.NHSNumber = nums[x.pat]
		ac.Recorded = time.Unix(x.t, 0)
		a.AddAccess(&ac)
	}
	return a
}

// BenchmarkAnalyse measures Run over a generated log of 1M accesses
// (1,000 staff on 40 wards, 50,000 patients); parsing is not included.
// It reports accesses analysed per second and the heap in use after Run.
func BenchmarkAnalyse(b *testing.B) {
	bt := newBenchTrust(40, 25, 50_000, 1_000_000)
	var res *Result
	var heap uint64
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a := bt.load()
		runtime.GC()
		b.StartTimer()
		t0, c0 := time.Now(), sharedtest.ProcessCPU()
		res = a.Run()
		elapsed += time.Since(t0)
		cpu += sharedtest.ProcessCPU() - c0
		b.StopTimer()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapInuse)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(bt.accesses)*b.N)/elapsed.Seconds(), "accesses/s")
	if cpu > 0 {
		b.ReportMetric(float64(len(bt.accesses)*b.N)/cpu.Seconds(), "accesses/cpu-s")
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
	b.ReportMetric(100*float64(res.Summary.Explained)/float64(res.Summary.Accesses), "%explained")
	b.ReportMetric(float64(res.Summary.Cases), "cases")
}

// BenchmarkLoadAccesses measures adding 1M normalised accesses to an
// Auditor (interning users and patients).
func BenchmarkLoadAccesses(b *testing.B) {
	bt := newBenchTrust(40, 25, 50_000, 1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bt.load()
	}
	b.ReportMetric(float64(len(bt.accesses)*b.N)/b.Elapsed().Seconds(), "accesses/s")
}

// BenchmarkParseFHIR measures reading BALP-shaped AuditEvent NDJSON into
// accesses, the slower step before analysis.
func BenchmarkParseFHIR(b *testing.B) {
	var sb strings.Builder
	const n = 10_000
	numbers := nhsList(5000)
	for i := 0; i < n; i++ {
		sb.WriteString(auditEvent(fmt.Sprint("e", i), "2026-05-05T09:00:00Z", fmt.Sprintf("U%05d", i%1000), "read", numbers[i%5000]))
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := New(DefaultOptions())
		if err := NewLoader(a, nil).ndjson("bench", strings.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "accesses/s")
}
