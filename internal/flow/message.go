package flow

import (
	"fmt"
	"math"
	"strings"
	"time"
)

func (w *Watch) finding(s *source, v verdict, now time.Time) Finding {
	f := Finding{Key: s.key, Kind: v.state.String(), Since: v.since, Observed: v.observed, Expected: v.expected}
	name, unit, when := w.describe(s.key), unitOf(s.key), w.when(v.since)
	switch v.state {
	case stateSilent:
		f.Message = fmt.Sprintf("%s silent for %s; normally %s %s in that time %s",
			name, span(now.Sub(v.since)), count(v.expected), unit, when)
	case stateDrop:
		f.Message = fmt.Sprintf("%s down to %s %s in the last %s; normally %s %s",
			name, count(v.observed), unit, span(w.opts.Window), count(v.expected), when)
	case stateSurge:
		f.Message = fmt.Sprintf("%s surging: %s %s in the last %s; normally %s %s",
			name, count(v.observed), unit, span(w.opts.Window), count(v.expected), when)
	}
	return f
}

func (w *Watch) recovered(s *source, v verdict, now time.Time) Finding {
	was := map[state]string{stateSilent: "silence", stateDrop: "drop", stateSurge: "surge"}[s.state]
	f := Finding{Key: s.key, Kind: KindRecovered, Since: s.since, Observed: v.observed, Expected: v.expected}
	f.Message = fmt.Sprintf("%s back to normal after a %s of %s", w.describe(s.key), was, span(now.Sub(s.since)))
	return f
}

// describe names a source: "Pathology results feed (LIMS01, ORU^R01)".
func (w *Watch) describe(k Key) string {
	var parts []string
	for _, p := range []string{k.Host, k.Kind} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	name := w.opts.Name(k)
	if len(parts) == 0 {
		return name
	}
	return name + " (" + strings.Join(parts, ", ") + ")"
}

// unitOf says "messages" for typed clinical feeds, "events" otherwise.
func unitOf(k Key) string {
	if k.Kind != "" {
		return "messages"
	}
	return "events"
}

// when gives "on a Tuesday at 10:04" for t's local time.
func (w *Watch) when(t time.Time) string {
	l := t.In(w.opts.Location)
	return fmt.Sprintf("on a %s at %02d:%02d", l.Weekday(), l.Hour(), l.Minute())
}

// count rounds an expected or observed count for a person.
func count(x float64) string {
	if x < 10 && x != math.Trunc(x) {
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.0f", x)
}

// span gives a duration in words: "25 minutes", "3 hours 10 minutes".
func span(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 1:
		return "under a minute"
	case m < 120:
		return plural(m, "minute")
	case m < 48*60:
		if m%60 == 0 {
			return plural(m/60, "hour")
		}
		return plural(m/60, "hour") + " " + plural(m%60, "minute")
	}
	return plural(m/(24*60), "day") + " " + plural(m/60%24, "hour")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
