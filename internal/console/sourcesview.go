package console

import (
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/flow"
)

// sourceRow is one source as the sources page shows it.
type sourceRow struct {
	Listener, Host, Kind string
	LastSeen             string // London time
	Ago                  string // "4 minutes ago"
	State                string // plain English
	Quiet                bool   // gone quiet or dropped: a silent source is itself a risk
	Rate                 string // events a minute over the watch's window
	Normal               string // the learned normal rate, or that it is still learning
}

// stateLabels say the flow watch's states in plain English.
var stateLabels = map[string]string{
	"ok":            "sending as usual",
	flow.KindSilent: "gone quiet",
	flow.KindDrop:   "sending much less than usual",
	flow.KindSurge:  "sending much more than usual",
}

// sourcesView is what the sources page shows.
type sourcesView struct {
	Sources []sourceRow
	Quiet   int    // sources gone quiet or dropping
	Window  string // the span rates are measured over
}

// newSourcesView lays out the flow watch's sources at now, the quiet ones
// first; rates are over window.
func newSourcesView(srcs []Source, window time.Duration, now time.Time) sourcesView {
	v := sourcesView{Window: humanDuration(window)}
	var quiet, rest []sourceRow
	for _, s := range srcs {
		r := sourceRow{
			Listener: s.Listener, Host: s.Host, Kind: s.Kind, LastSeen: londonTime(s.LastSeen),
			State: stateLabels[s.State], Rate: perMinute(s.Observed, window), Normal: "still learning",
			Quiet: s.State == flow.KindSilent || s.State == flow.KindDrop,
		}
		if r.State == "" {
			r.State = s.State
		}
		if !s.LastSeen.IsZero() {
			r.Ago = humanDuration(now.Sub(s.LastSeen)) + " ago"
		}
		if s.Expected >= 0 {
			r.Normal = perMinute(s.Expected, window)
		}
		if r.Quiet {
			quiet = append(quiet, r)
		} else {
			rest = append(rest, r)
		}
	}
	v.Quiet = len(quiet)
	v.Sources = append(quiet, rest...)
	return v
}

// perMinute writes a count over window as events a minute.
func perMinute(n float64, window time.Duration) string {
	if window <= 0 {
		return ""
	}
	r := n / window.Minutes()
	switch {
	case r == 0:
		return "none"
	case r < 10:
		return fmt.Sprintf("%.1f a minute", r)
	}
	return fmt.Sprintf("%.0f a minute", r)
}
