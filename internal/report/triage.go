package report

import (
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// firstChange finds the first status change a person made, to the status
// named (any status when to is empty). Vigil's own notes do not count.
func firstChange(h []alert.Note, to string) (time.Time, bool) {
	for _, n := range h {
		if n.Action != "status" || n.By == alert.ByVigil {
			continue
		}
		if to == "" || strings.HasSuffix(statusTo(n.Text), to) {
			return n.At, true
		}
	}
	return time.Time{}, false
}

// statusTo reads the new status from a status note ("open to closed
// (false_positive)" gives "closed").
func statusTo(text string) string {
	_, after, _ := strings.Cut(text, " to ")
	st, _, _ := strings.Cut(after, " (")
	return st
}

// closeReason is the reason given when the alert was last closed.
func closeReason(h []alert.Note) string {
	for _, n := range slices.Backward(h) {
		if n.Action == "status" && statusTo(n.Text) == alert.StatusClosed {
			if _, r, ok := strings.Cut(n.Text, " ("); ok {
				return strings.TrimSuffix(r, ")")
			}
			return ""
		}
	}
	return ""
}

// Durations measures how long people took: from an alert's first sighting
// to its first acknowledgement or closing (triage), and to its closing.
type Durations struct {
	Triage, Close     time.Duration // medians
	Triaged, Closed   int           // how many alerts each median is over
	TriageOK, CloseOK bool          // whether there was anything to measure
}

// measure computes the medians over the alerts' histories.
func measure(as []*alert.Alert) Durations {
	var tri, clo []time.Duration
	for _, a := range as {
		if t, ok := firstChange(a.History, ""); ok && !t.Before(a.FirstSeen) {
			tri = append(tri, t.Sub(a.FirstSeen))
		}
		if t, ok := firstChange(a.History, alert.StatusClosed); ok && !t.Before(a.FirstSeen) {
			clo = append(clo, t.Sub(a.FirstSeen))
		}
	}
	d := Durations{Triaged: len(tri), Closed: len(clo), TriageOK: len(tri) > 0, CloseOK: len(clo) > 0}
	d.Triage, d.Close = median(tri), median(clo)
	return d
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	if n := len(ds); n%2 == 0 {
		return (ds[n/2-1] + ds[n/2]) / 2
	}
	return ds[len(ds)/2]
}
