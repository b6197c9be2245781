package collect

import (
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
)

// Incidents is what the incident records show of response and lessons.
type Incidents struct {
	Total           int // incidents in the period
	Closed          int // of them, closed
	ClosedWithNotes int // of the closed, with a person's note on what was found or learned
}

// IncidentsCollector gives evidence on lessons learned (D2). The response
// plan and exercises (D1) are documents and events outside Vigil's data,
// so it says nothing of them.
func IncidentsCollector(n Incidents) assure.Collector {
	return collector{name: "incidents", claims: func(time.Time) []claim {
		if n.Total == 0 {
			return nil
		}
		out := []claim{{ids("D2.a.5"), true, fmt.Sprintf("Each of the %d incidents keeps its alerts, hosts, users and timeline together for whoever analyses it.", n.Total)}}
		if n.Closed > 0 {
			missing := n.Closed - n.ClosedWithNotes
			out = append(out, claim{ids("D2.b.1"), missing > 0, fmt.Sprintf("%d of %d closed incidents have a note of what was found or learned.", n.ClosedWithNotes, n.Closed)})
		}
		return out
	}}
}
