package console

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// ClockKind is a deadline the NHS or the law sets on an incident: it starts
// at an event (publication, awareness) and stops when the step is done.
type ClockKind struct {
	ID         string // the mark's start event
	Title      string
	StartLabel string // what the start time is
	Stop       string // the mark's stop event
	StopLabel  string // the button that stops it
	Limit      time.Duration
}

// clockKinds: an NHS England cyber alert is acknowledged within 48 hours
// of its publication; a reportable personal-data breach is reported to the
// ICO within 72 hours of becoming aware of it (UK GDPR Article 33).
var clockKinds = []ClockKind{
	{"cyber_alert_published", "NHS England cyber alert acknowledged", "When the cyber alert was published",
		"cyber_alert_acknowledged", "Mark the cyber alert acknowledged", 48 * time.Hour},
	{"breach_aware", "Personal-data breach reported to the ICO", "When we became aware of the breach",
		"ico_reported", "Mark the breach reported to the ICO", 72 * time.Hour},
}

// Clock is one running or finished clock of an incident.
type Clock struct {
	ClockKind
	Started, Due, Stopped time.Time
	Note                  string // the cyber alert's reference, say
	StartedBy, StoppedBy  string
	Left                  time.Duration // until Due (negative: overdue); at Stopped when stopped
}

// Overdue reports whether the deadline passed before the clock stopped.
func (c Clock) Overdue() bool { return c.Left < 0 }

// Done reports whether the clock was stopped.
func (c Clock) Done() bool { return !c.Stopped.IsZero() }

// clockText is a clock mark's text: the event, the time, and a note.
func clockText(event string, at time.Time, note string) string {
	return strings.TrimSpace(event + " " + at.UTC().Format(time.RFC3339) + " " + note)
}

// clocksOf replays an incident's clock marks at now: each kind started is
// one clock, the latest start counting; a stop before any start is
// ignored.
func clocksOf(h []alert.Note, now time.Time) []Clock {
	var out []Clock
	for _, k := range clockKinds {
		var c *Clock
		for _, n := range h {
			if n.Action != markClock {
				continue
			}
			event, at, note, ok := parseClock(n.Text)
			switch {
			case !ok:
			case event == k.ID:
				c = &Clock{ClockKind: k, Started: at, Due: at.Add(k.Limit), Note: note, StartedBy: n.By}
			case event == k.Stop && c != nil:
				c.Stopped, c.StoppedBy = at, n.By
			}
		}
		if c == nil {
			continue
		}
		end := now
		if c.Done() {
			end = c.Stopped
		}
		c.Left = c.Due.Sub(end)
		out = append(out, *c)
	}
	return out
}

// parseClock reads a clock mark's text.
func parseClock(s string) (event string, at time.Time, note string, ok bool) {
	event, rest, _ := strings.Cut(s, " ")
	ts, note, _ := strings.Cut(rest, " ")
	at, err := time.Parse(time.RFC3339, ts)
	return event, at, note, err == nil
}

// clockKind returns the kind whose start or stop event is event.
func clockKind(event string) (ClockKind, bool) {
	for _, k := range clockKinds {
		if k.ID == event || k.Stop == event {
			return k, true
		}
	}
	return ClockKind{}, false
}

// localTimeLayout is an <input type="datetime-local"> value.
const localTimeLayout = "2006-01-02T15:04"

// parseLocalTime reads a datetime-local value in loc; "" is now.
func parseLocalTime(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if s == "" {
		return now, nil
	}
	t, err := time.ParseInLocation(localTimeLayout, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("enter the time as a date and a time, such as 2026-11-28T16:05")
	}
	if t.After(now.Add(time.Minute)) {
		return time.Time{}, fmt.Errorf("the time %s is in the future", s)
	}
	return t, nil
}
