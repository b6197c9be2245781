package privacy

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// feedCare streams a generated trust's ADT and SIU messages into l as
// events, one reused event at a time as vigil serve hands them over, and
// returns how many were kept.
func feedCare(b *testing.B, l *Live, dir string) int {
	b.Helper()
	var ev event.Event
	kept := 0
	for _, sub := range []string{"adt", "appointments"} {
		files, err := filepath.Glob(filepath.Join(dir, sub, "*.hl7"))
		if err != nil {
			b.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			for _, raw := range hl7.Split(data) {
				m, err := hl7.Parse(raw)
				if err != nil {
					continue
				}
				ev.Reset()
				hl7.ToEvent(m, &ev)
				if l.AddEvent(&ev) {
					kept++
				}
			}
		}
	}
	return kept
}

// feedAccesses streams the trust's AuditEvents into l the same way and
// returns how many were kept.
func feedAccesses(b *testing.B, l *Live, dir string) int {
	b.Helper()
	var ev event.Event
	kept := 0
	scanAuditEvents(b, dir, func(a *fhir.Access) {
		ev.Reset()
		a.ToEvent(&ev)
		if l.AddEvent(&ev) {
			kept++
		}
	})
	return kept
}

// heapAfterGC is the live heap once the garbage collector has run.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkLiveMemory measures what the live guardian holds for a
// generated trust's month (a small trust, or the one
// VIGIL_PRIVACY_BENCH_TRUST names): the live heap after a garbage
// collection before and after feeding it the care records, then the
// accesses, reported per access kept and, apart, for the care records
// (MB-care as fed; MB-care-held at the end, measured by letting the care
// records go). One iteration is one whole feed; run it with
// -benchtime=1x.
func BenchmarkLiveMemory(b *testing.B) {
	dir := benchTrustDir(b, care.Config{Seed: 3, Size: "bench", Staff: 200, Patients: 5000, Days: 30, Start: care.DefaultStart})
	var perAccess, careMB, careHeldMB float64
	var accesses int
	for b.Loop() {
		l := NewLive(DefaultOptions(), nil)
		base := heapAfterGC()
		if feedCare(b, l, dir) == 0 {
			b.Fatal("no care record kept")
		}
		withCare := heapAfterGC()
		if accesses = feedAccesses(b, l, dir); accesses == 0 {
			b.Fatal("no access kept")
		}
		withAccesses := heapAfterGC()
		careHeldMB = float64(withAccesses-releaseCare(l)) / (1 << 20)
		perAccess = float64(withAccesses-withCare) / float64(accesses)
		careMB = float64(withCare-base) / (1 << 20)
	}
	b.ReportMetric(float64(accesses), "accesses")
	b.ReportMetric(perAccess, "B/access-held")
	b.ReportMetric(careMB, "MB-care")
	b.ReportMetric(careHeldMB, "MB-care-held")
}

// releaseCare lets l's care records go and returns the live heap
// without them: what they held is the heap before less this.
func releaseCare(l *Live) uint64 {
	l.mu.Lock()
	l.care = nil
	l.mu.Unlock()
	h := heapAfterGC()
	runtime.KeepAlive(l)
	return h
}

// BenchmarkLiveSteady measures the live guardian over several months in
// service with the bound active: a generated small trust's 120 days (or
// the trust VIGIL_PRIVACY_STEADY_TRUST names), its care records and
// accesses fed day by day as they would arrive, MaxAccesses a quarter of
// the accesses (a month). It reports the live heap held after each 30
// days (MB-held-dN) and at the end (MB-held), what the care records
// hold at the end (reportCare), and what was kept and dropped. Run it
// with -benchtime=1x.
func BenchmarkLiveSteady(b *testing.B) {
	dir := os.Getenv("VIGIL_PRIVACY_STEADY_TRUST")
	if dir == "" {
		dir = b.TempDir()
		if _, err := care.Generate(care.Config{Seed: 3, Size: "bench", Staff: 200, Patients: 5000, Days: 120, Start: care.DefaultStart}, dir, nil); err != nil {
			b.Fatal(err)
		}
	}
	accesses := countLines(b, filepath.Join(dir, "access.ndjson"))
	held := map[int]float64{} // day -> MB
	for b.Loop() {
		l := NewLive(DefaultOptions(), nil)
		l.MaxAccesses = accesses / 4
		base := heapAfterGC()
		var first int64
		day := 0
		streamTrust(b, dir, func(ev *event.Event) {
			if ev.LogSource.Product == "fhir" {
				if first == 0 {
					first = ev.Time.Unix()
				}
				if d := int(ev.Time.Unix()-first) / 86400; d >= day+30 {
					day = d / 30 * 30
					held[day] = float64(heapAfterGC()-base) / (1 << 20)
				}
			}
			l.AddEvent(ev)
		})
		all := heapAfterGC()
		b.ReportMetric(float64(all-base)/(1<<20), "MB-held")
		reportCare(b, l, all)
	}
	for d, mb := range held {
		b.ReportMetric(mb, fmt.Sprintf("MB-held-d%d", d))
	}
}

// BenchmarkLiveAnalyse measures one live analysis (Analyse) of a
// generated trust's month fed as in BenchmarkLiveMemory: the time a run
// takes, with the copy of the care records it starts from, in wall and
// CPU time (the CPU time moves less with the machine's load).
func BenchmarkLiveAnalyse(b *testing.B) {
	dir := benchTrustDir(b, care.Config{Seed: 3, Size: "bench", Staff: 200, Patients: 5000, Days: 30, Start: care.DefaultStart})
	l := NewLive(DefaultOptions(), nil)
	staff, _, _ := trustLists(b, dir)
	l.SetRoster(staff)
	feedCare(b, l, dir)
	accesses := feedAccesses(b, l, dir)
	c0 := sharedtest.ProcessCPU()
	for b.Loop() {
		if l.Analyse().Summary.Accesses == 0 {
			b.Fatal("no access analysed")
		}
	}
	cpu := sharedtest.ProcessCPU() - c0
	b.ReportMetric(float64(accesses)*float64(b.N)/b.Elapsed().Seconds(), "accesses/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// countLines counts the lines of the file at path.
func countLines(b *testing.B, path string) int {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	n, buf := 0, make([]byte, 1<<20)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte("\n"))
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
