package fhir

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestToEventPresized checks that ToEvent's presizing covers every value
// it adds, on the shared examples and on generated AuditEvents: a new
// event then costs one allocation for its values and one for its field
// table, where growing step by step took five or six.
func TestToEventPresized(t *testing.T) {
	sets := []struct {
		name   string
		inputs [][]byte
	}{
		{"trust", trustLines(t, 300)},
		{"examples", sharedtest.ReadGlob(t, "health-examples", "fhir-auditevent", "*.json")},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			for i, in := range set.inputs {
				a, err := ParseAuditEvent(in)
				if err != nil {
					t.Fatalf("input %d: %v", i, err)
				}
				var ev event.Event
				a.ToEvent(&ev)
				if ev.Len() > a.fieldCount() {
					t.Fatalf("input %d: %d values, presized for %d", i, ev.Len(), a.fieldCount())
				}
				allocs := testing.AllocsPerRun(5, func() { a.ToEvent(new(event.Event)) })
				if allocs > 3 { // the event, its values, its field table
					t.Fatalf("input %d: ToEvent into a new event made %.0f allocations, want at most 3", i, allocs)
				}
			}
		})
	}
}
