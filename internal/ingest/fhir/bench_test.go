package fhir

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// BenchmarkAuditEventToEvent parses the shared R4 and R5 examples and turns
// each into an event, reporting AuditEvents per second.
func BenchmarkAuditEventToEvent(b *testing.B) {
	inputs := sharedtest.ReadGlob(b, "health-examples", "fhir-auditevent", "*.json")
	size := 0
	for _, in := range inputs {
		size += len(in)
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
