package privacy

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
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
	f, err := os.Open(filepath.Join(dir, "access.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var ev event.Event
	kept := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		a, err := fhir.ParseAuditEvent(sc.Bytes())
		if err != nil {
			continue
		}
		ev.Reset()
		a.ToEvent(&ev)
		if l.AddEvent(&ev) {
			kept++
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
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
// accesses, reported per access kept and, apart, for the care records.
// One iteration is one whole feed; run it with -benchtime=1x.
func BenchmarkLiveMemory(b *testing.B) {
	dir := benchTrustDir(b, care.Config{Seed: 3, Size: "bench", Staff: 200, Patients: 5000, Days: 30, Start: care.DefaultStart})
	var perAccess, careMB float64
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
		runtime.KeepAlive(l)
		perAccess = float64(withAccesses-withCare) / float64(accesses)
		careMB = float64(withCare-base) / (1 << 20)
	}
	b.ReportMetric(float64(accesses), "accesses")
	b.ReportMetric(perAccess, "B/access-held")
	b.ReportMetric(careMB, "MB-care")
}
