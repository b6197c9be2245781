package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London must resolve on machines without a zone database
)

// London is the zone every time in a report is shown in.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // embedded by time/tzdata: cannot fail
	}
	return loc
}

// Period is the span a report covers: [Start, End) in London time.
type Period struct {
	Name       string // "2026-Q3", "2026-11", "last-30-days"
	Start, End time.Time
	Days       int // for the last N days, N; 0 for a quarter or a month
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }

// Label is the period in words: "July to September 2026", "November 2026",
// and for the last N days their dates, "29 October to 27 November 2026".
func (p Period) Label() string {
	if p.Days > 0 {
		return p.dayLabel()
	}
	last := p.End.AddDate(0, 0, -1)
	if p.Start.Month() == last.Month() && p.Start.Year() == last.Year() {
		return p.Start.Format("January 2006")
	}
	return p.Start.Format("January") + " to " + last.Format("January 2006")
}

// ParsePeriod reads a period as ParsePeriodAt does, the last N days
// counted back from the present.
func ParsePeriod(s string) (Period, error) { return ParsePeriodAt(s, time.Now()) }

// ParsePeriodAt reads a quarter ("2026-Q3"), a month ("2026-11"), or the
// last N days ("last-30-days", or in words "last 30 days"): the N days in
// London up to and including the day of now.
func ParsePeriodAt(s string, now time.Time) (Period, error) {
	if isRolling(s) {
		return parseRolling(s, now)
	}
	year, rest, ok := strings.Cut(strings.TrimSpace(s), "-")
	y, err := strconv.Atoi(year)
	if !ok || err != nil || len(year) != 4 || y < 1970 {
		return Period{}, fmt.Errorf("period %q: want a quarter such as 2026-Q3, a month such as 2026-11, or the last N days such as last-30-days", s)
	}
	if q, found := strings.CutPrefix(strings.ToUpper(rest), "Q"); found {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 || len(q) != 1 {
			return Period{}, fmt.Errorf("period %q: the quarter must be Q1 to Q4", s)
		}
		start := time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, London)
		return Period{Name: fmt.Sprintf("%d-Q%d", y, n), Start: start, End: start.AddDate(0, 3, 0)}, nil
	}
	m, err := strconv.Atoi(rest)
	if err != nil || m < 1 || m > 12 || len(rest) != 2 {
		return Period{}, fmt.Errorf("period %q: the month must be 01 to 12", s)
	}
	start := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, London)
	return Period{Name: fmt.Sprintf("%d-%02d", y, m), Start: start, End: start.AddDate(0, 1, 0)}, nil
}

// QuarterOf is the quarter holding t; MonthOf the month.
func QuarterOf(t time.Time) Period {
	t = t.In(London)
	p, _ := ParsePeriod(fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3))
	return p
}

// MonthOf is the month holding t, in London.
func MonthOf(t time.Time) Period {
	t = t.In(London)
	p, _ := ParsePeriod(fmt.Sprintf("%d-%02d", t.Year(), int(t.Month())))
	return p
}

// stamp formats a time for a reader, in London with its zone.
func stamp(t time.Time) string { return t.In(London).Format("2 January 2006 15:04 MST") }

// day formats a date for a reader.
func day(t time.Time) string { return t.In(London).Format("2 January 2006") }
