package console

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"time"

	"github.com/vigilhealth/vigil/internal/report"
)

// London is Europe/London, where the console shows times by default: the
// reports' zone, so the console and the board pack show the same times.
var London = report.London

// timeLayout shows a time as people in the NHS write it, with the zone:
// 28 Nov 2026 16:05 GMT.
const timeLayout = "2 Jan 2006 15:04 MST"

// funcs are the template functions every page may use.
func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"when":        c.when,
		"iso":         func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"roleName":    RoleName,
		"duration":    humanDuration,
		"count":       func(n any) string { return fmt.Sprint(n) },
		"plural":      plural,
		"explanation": explanationLabel,
	}
}

// when shows t in the console's location with its zone; the zero time is
// "never".
func (c *Console) when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(c.deps.Location).Format(timeLayout)
}

// humanDuration shows d in words, to the minute: "2 days 3 hours",
// "45 minutes", "less than a minute".
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return plural(h, "hour")
		}
		return plural(h, "hour") + " " + plural(m, "minute")
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return plural(days, "day")
	}
	return plural(days, "day") + " " + plural(h, "hour")
}

// plural is "1 alert", "2 alerts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
