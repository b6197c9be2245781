package serve

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/httpin"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// fhirBenchBatch is the AuditEvents in one benchmark request, as the
// by-hand measurement in docs/benchmarks.md sent them.
const fhirBenchBatch = 1000

// recordingSink counts what it is given, and reads every field value so
// that the events are really built; it keeps nothing, as ingest.Sink's
// contract says.
type recordingSink struct {
	events, fields, bytes int
}

// Accept implements ingest.Sink.
func (s *recordingSink) Accept(_ context.Context, evs []*event.Event) error {
	for _, ev := range evs {
		s.events++
		s.fields += ev.Len()
		for i := range ev.Len() {
			s.bytes += len(ev.Value(i))
		}
	}
	return nil
}

// fhirBenchBodies returns a generated trust's AuditEvents as NDJSON
// request bodies of fhirBenchBatch lines, and the number of AuditEvents.
func fhirBenchBodies(b *testing.B) ([][]byte, int) {
	b.Helper()
	dir := b.TempDir()
	cfg := care.Config{Seed: 11, Size: "test", Staff: 120, Patients: 2000, Days: 1, Start: care.DefaultStart}
	if _, err := care.Generate(cfg, dir, nil); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "access.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	var bodies [][]byte
	for len(lines) >= fhirBenchBatch {
		bodies = append(bodies, append(bytes.Join(lines[:fhirBenchBatch], []byte("\n")), '\n'))
		lines = lines[fhirBenchBatch:]
	}
	if len(bodies) == 0 {
		b.Fatalf("the generated trust has fewer than %d AuditEvents", fhirBenchBatch)
	}
	return bodies, len(bodies) * fhirBenchBatch
}

// BenchmarkFHIRHandler posts a generated trust's AuditEvents as NDJSON
// requests of fhirBenchBatch to POST /fhir/AuditEvent, through the whole
// handler (body read, parse, events, sink, answer Bundle) to a recording
// sink. One operation is one request; it reports AuditEvents per second
// and the allocations and bytes per AuditEvent.
func BenchmarkFHIRHandler(b *testing.B) {
	bodies, _ := fhirBenchBodies(b)
	sink := &recordingSink{}
	h := newFHIRHandler(sink, &fakeQuarantine{}, httpin.AuthorizerFunc(func(*http.Request) error { return nil }), nil)
	mux := http.NewServeMux()
	h.register(mux)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		req := httptest.NewRequest("POST", "/fhir/AuditEvent", bytes.NewReader(bodies[n%len(bodies)]))
		req.Header.Set("Content-Type", "application/fhir+ndjson")
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
		n++
	}
	runtime.ReadMemStats(&after)
	if sink.events != n*fhirBenchBatch {
		b.Fatalf("sink took %d AuditEvents, want %d", sink.events, n*fhirBenchBatch)
	}
	b.ReportMetric(float64(sink.events)/b.Elapsed().Seconds(), "AuditEvents/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(sink.events), "allocs/AuditEvent")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(sink.events), "B/AuditEvent")
}
