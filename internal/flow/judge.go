package flow

import (
	"math"
	"time"
)

// verdict is what one evaluation of a source found.
type verdict struct {
	state    state
	since    time.Time
	observed float64
	expected float64
}

// judge evaluates s at now. It does not change s.
func (s *source) judge(w *Watch, now time.Time) verdict {
	o := &w.opts
	k := o.Deviations
	// A silence lasts until the next event.
	if s.state == stateSilent && !s.lastSeen.After(s.since) {
		e, _, _ := s.expected(w, s.since, now)
		return verdict{state: stateSilent, since: s.since, expected: e}
	}
	// After a silence, judge only the time since the source came back:
	// the silence itself has been reported.
	clip := s.clip
	if s.state == stateSilent && s.lastSeen.After(clip) {
		clip = s.lastSeen
	}
	from := clip
	if s.lastSeen.After(from) {
		from = s.lastSeen
	}
	if now.Sub(from) >= o.SilenceFloor {
		if e, v, ok := s.expected(w, from, now); ok && e-k*math.Sqrt(v) >= o.SilenceAfter {
			return verdict{state: stateSilent, since: from, expected: e}
		}
	}

	keep := verdict{state: s.state, since: s.since}
	if keep.state == stateSilent {
		keep = verdict{state: stateOK}
	}
	ws := w.bucketStart(w.bucketOf(now) - w.tune.windowBuckets)
	if ws.Before(clip) {
		ws = clip
	}
	if now.Sub(ws) < o.Window/2 {
		return keep
	}
	e, v, ok := s.expected(w, ws, now)
	if !ok {
		return keep
	}
	obs := s.observed(w, ws, now)
	sd := math.Sqrt(v)
	keep.observed, keep.expected = obs, e
	out := keep
	out.state, out.since = stateOK, time.Time{}
	dropping := e >= o.MinExpected && obs < o.DropRatio*e && obs < e-k*sd
	surging := obs > o.SurgeRatio*e && obs > e+k*sd && obs >= o.SurgeMin
	switch s.state {
	case stateDrop:
		// Hysteresis: a drop ends only at twice the drop ratio.
		dropping = e >= o.MinExpected/2 && obs < 2*o.DropRatio*e
	case stateSurge:
		surging = obs > o.SurgeRatio/2*e && obs >= o.SurgeMin/2
	}
	switch {
	case dropping:
		out.state = stateDrop
	case surging:
		out.state = stateSurge
	}
	if out.state == s.state {
		out.since = s.since
	} else if out.state != stateOK {
		out.since = now
	}
	return out
}
