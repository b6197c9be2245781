package privacy

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// benchTrustDir returns a generated trust to benchmark on: the folder
// named by VIGIL_PRIVACY_BENCH_TRUST (written by "vigil sim care", so
// that a medium trust is generated once), else a trust of cfg generated
// into a temporary folder.
func benchTrustDir(b *testing.B, cfg care.Config) string {
	b.Helper()
	if dir := os.Getenv("VIGIL_PRIVACY_BENCH_TRUST"); dir != "" {
		return dir
	}
	dir := b.TempDir()
	if _, err := care.Generate(cfg, dir, nil); err != nil {
		b.Fatal(err)
	}
	return dir
}

// loadTrust reads a generated trust's files into a new Auditor, as
// vigil privacy audit does, and returns it with its Loader.
func loadTrust(tb testing.TB, dir string) (*Auditor, *Loader) {
	tb.Helper()
	a := New(DefaultOptions())
	l := NewLoader(a, nil)
	for _, step := range []struct {
		load func(string) error
		path string
	}{
		{l.Staff, "staff.csv"}, {l.ADT, "adt"}, {l.ADT, "appointments"}, {l.Access, "access.ndjson"},
		{l.VIP, "vip.txt"}, {l.Reviews, "breakglass_reviews.csv"},
	} {
		if err := step.load(filepath.Join(dir, step.path)); err != nil {
			tb.Fatal(err)
		}
	}
	return a, l
}

// BenchmarkAnalyseTrust measures Run alone over a generated trust's
// parsed inputs: a medium trust (1,000 staff, 50,000 patients, about a
// million accesses) when VIGIL_PRIVACY_BENCH_TRUST names one, else a
// small generated one. Loading is outside the timer; run it with
// -benchtime=1x on a medium trust. It reports accesses (audit events)
// analysed per second, per CPU-second, and the heap in use after Run.
func BenchmarkAnalyseTrust(b *testing.B) {
	dir := benchTrustDir(b, care.Config{Seed: 3, Size: "bench", Staff: 200, Patients: 5000, Days: 14, Start: care.DefaultStart})
	var events int
	var elapsed, cpu time.Duration
	var heap uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a, _ := loadTrust(b, dir)
		events = len(a.recs)
		runtime.GC()
		b.StartTimer()
		t0, c0 := time.Now(), sharedtest.ProcessCPU()
		res := a.Run()
		elapsed += time.Since(t0)
		cpu += sharedtest.ProcessCPU() - c0
		b.StopTimer()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapInuse)
		if res.Summary.Accesses == 0 {
			b.Fatal("no accesses analysed")
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(events*b.N)/elapsed.Seconds(), "accesses/s")
	if cpu > 0 {
		b.ReportMetric(float64(events*b.N)/cpu.Seconds(), "accesses/cpu-s")
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
}

// BenchmarkParseTrustFHIR measures reading a generated trust's access log
// (the EPR's BALP AuditEvents, NDJSON) into an Auditor: the step before
// analysis.
func BenchmarkParseTrustFHIR(b *testing.B) {
	dir := benchTrustDir(b, care.Config{Seed: 3, Size: "bench", Staff: 200, Patients: 5000, Days: 3, Start: care.DefaultStart})
	path := filepath.Join(dir, "access.ndjson")
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ResetTimer()
	events, c0 := 0, sharedtest.ProcessCPU()
	for i := 0; i < b.N; i++ {
		a := New(DefaultOptions())
		if err := NewLoader(a, nil).Access(path); err != nil {
			b.Fatal(err)
		}
		events = len(a.recs)
	}
	b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "accesses/s")
	if cpu := sharedtest.ProcessCPU() - c0; cpu > 0 {
		b.ReportMetric(float64(events*b.N)/cpu.Seconds(), "accesses/cpu-s")
	}
}
