package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxRollingDays is the most days "last N days" may cover: a year, leap
// day included.
const MaxRollingDays = 366

// isRolling reports whether s asks for the last N days, however written.
func isRolling(s string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "last")
}

// parseRolling reads "last-N-days" or "last N days" (any case; "day" for
// one): the N whole days in London that end with the day of now. Days
// are counted by the calendar, so a period across a clock change is an
// hour shorter or longer than N times 24 hours.
func parseRolling(s string, now time.Time) (Period, error) {
	words := strings.Fields(strings.ReplaceAll(strings.ToLower(s), "-", " "))
	if len(words) != 3 || words[0] != "last" || (words[2] != "days" && words[2] != "day") {
		return Period{}, fmt.Errorf("period %q: write the last N days as last-30-days or last 30 days", s)
	}
	n, err := strconv.Atoi(words[1])
	if err != nil || n < 1 || n > MaxRollingDays || words[1][0] == '+' {
		return Period{}, fmt.Errorf("period %q: the number of days must be 1 to %d", s, MaxRollingDays)
	}
	return LastDays(n, now), nil
}

// LastDays is the last n days in London up to and including the day of
// now: from midnight n-1 days before today to midnight after it.
func LastDays(n int, now time.Time) Period {
	now = now.In(London)
	end := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, London)
	name := fmt.Sprintf("last-%d-days", n)
	if n == 1 {
		name = "last-1-day"
	}
	return Period{Name: name, Start: end.AddDate(0, 0, -n), End: end, Days: n}
}

// dayLabel names the first and last days of the period, saying the month
// and year once where they are shared: "27 November 2026", "1 to 7
// November 2026", "29 October to 27 November 2026", "15 December 2025 to
// 13 January 2026".
func (p Period) dayLabel() string {
	first, last := p.Start.In(London), p.End.In(London).AddDate(0, 0, -1)
	switch {
	case first.Equal(last):
		return last.Format("2 January 2006")
	case first.Year() != last.Year():
		return first.Format("2 January 2006") + " to " + last.Format("2 January 2006")
	case first.Month() != last.Month():
		return first.Format("2 January") + " to " + last.Format("2 January 2006")
	}
	return first.Format("2") + " to " + last.Format("2 January 2006")
}
