package fhir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// BenchmarkAuditEventToEvent parses the shared R4 and R5 examples and turns
// each into an event, reporting AuditEvents per second.
func BenchmarkAuditEventToEvent(b *testing.B) {
	dir, err := sharedtest.Find()
	if err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "health-examples", "fhir-auditevent", "*.json"))
	if len(files) == 0 {
		b.Fatal("no FHIR examples")
	}
	var inputs [][]byte
	size := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, data)
		size += len(data)
	}
	b.SetBytes(int64(size / len(inputs)))
	b.ReportAllocs()
	var ev event.Event
	n := 0
	for b.Loop() {
		a, err := ParseAuditEvent(inputs[n%len(inputs)])
		if err != nil {
			b.Fatal(err)
		}
		ev.Reset()
		a.ToEvent(&ev)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
