package report

import "time"

// Step is one interval of a trend chart: [Start, End) in London.
type Step struct{ Start, End time.Time }

// Steps divides p into the intervals its trend charts count by, up to
// until (intervals starting at or after it are left out): days for a
// period of at most 31 days, weeks from its first day otherwise. Each
// starts at London midnight, so a day across a clock change is 23 or 25
// hours long and the weeks after it still start at midnight; the last is
// cut at the period's end. unit is "day" or "week".
func (p Period) Steps(until time.Time) (steps []Step, unit string) {
	days, unit := 7, "week"
	if p.calendarDays() <= 31 {
		days, unit = 1, "day"
	}
	for t := p.Start.In(London); t.Before(p.End) && t.Before(until); {
		next := t.AddDate(0, 0, days)
		if next.After(p.End) {
			next = p.End.In(London)
		}
		steps = append(steps, Step{Start: t, End: next})
		t = next
	}
	return steps, unit
}

// calendarDays is the number of London days the period covers.
func (p Period) calendarDays() int {
	date := func(t time.Time) time.Time {
		t = t.In(London)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return int(date(p.End).Sub(date(p.Start)) / (24 * time.Hour))
}
