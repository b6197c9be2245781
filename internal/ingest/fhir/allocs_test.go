//go:build !race

// The race detector makes sync.Pool drop what is put back at random, so
// the scanner's storage would be rebuilt and the counts mean nothing there.

package fhir

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestDecodeAllocs holds the whole decode (ParseAuditEvent, then ToEvent
// into a reused event) to its allocation ceiling: the Access with its
// lists, and one block for the strings it keeps.
func TestDecodeAllocs(t *testing.T) {
	sets := []struct {
		name   string
		inputs [][]byte
		max    float64
	}{
		{"trust", trustLines(t, 300), 2},
		{"examples", sharedtest.ReadGlob(t, "health-examples", "fhir-auditevent", "*.json"), 4},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			var ev event.Event
			n := 0
			decode := func() {
				a, err := ParseAuditEvent(set.inputs[n%len(set.inputs)])
				if err != nil {
					t.Fatal(err)
				}
				ev.Reset()
				a.ToEvent(&ev)
				n++
			}
			for range set.inputs { // grow the scratch and the event first
				decode()
			}
			if got := testing.AllocsPerRun(10*len(set.inputs), decode); got > set.max {
				t.Errorf("%.2f allocations per AuditEvent, want at most %v", got, set.max)
			}
		})
	}
}
