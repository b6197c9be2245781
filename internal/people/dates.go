package people

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dateLayouts are the forms e-learning and simulation exports write
// dates in, tried in order after day-first slashed dates. Each names a
// point in time or a day without ambiguity.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05",
}

// parseDate reads a date in one of the export formats: YYYY-MM-DD,
// DD/MM/YYYY (optionally with HH:MM or HH:MM:SS), or RFC 3339. Dates
// without a zone are UTC. Forms that could be read two ways are refused:
// two-digit years, DD-MM-YYYY with dashes, and slashed dates whose second
// field cannot be a month (a month-first export, which would otherwise
// swap day and month silently for the first twelve days of each month).
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("empty date")
	}
	if strings.Contains(s, "/") {
		return parseSlashed(s)
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if len(s) >= 10 && s[2] == '-' && s[5] == '-' {
		return time.Time{}, fmt.Errorf("date %q is ambiguous: day and month order cannot be told; use YYYY-MM-DD or DD/MM/YYYY", s)
	}
	return time.Time{}, fmt.Errorf("date %q is not YYYY-MM-DD, DD/MM/YYYY or RFC 3339", s)
}

// parseSlashed reads DD/MM/YYYY with an optional time of day.
func parseSlashed(s string) (time.Time, error) {
	datePart, clock, _ := strings.Cut(s, " ")
	parts := strings.Split(datePart, "/")
	if len(parts) != 3 {
		return time.Time{}, fmt.Errorf("date %q is not DD/MM/YYYY", s)
	}
	day, err1 := strconv.Atoi(parts[0])
	month, err2 := strconv.Atoi(parts[1])
	year, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || len(parts[0]) > 2 || len(parts[1]) > 2 {
		return time.Time{}, fmt.Errorf("date %q is not DD/MM/YYYY", s)
	}
	if len(parts[2]) != 4 {
		return time.Time{}, fmt.Errorf("date %q is ambiguous: write the year with four digits (DD/MM/YYYY)", s)
	}
	if month > 12 && day <= 12 {
		return time.Time{}, fmt.Errorf("date %q is ambiguous: %d is not a month, so the export looks month-first; export dates as YYYY-MM-DD or DD/MM/YYYY", s, month)
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return time.Time{}, fmt.Errorf("date %q does not exist", s)
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if clock == "" {
		return t, nil
	}
	return addClock(t, s, strings.TrimSpace(clock))
}

// addClock adds an HH:MM or HH:MM:SS time of day to a day.
func addClock(day time.Time, s, clock string) (time.Time, error) {
	for _, layout := range []string{"15:04:05", "15:04"} {
		if c, err := time.Parse(layout, clock); err == nil {
			return day.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute + time.Duration(c.Second())*time.Second), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: time of day %q is not HH:MM or HH:MM:SS", s, clock)
}

// daysIn returns the number of days in a month of a year.
func daysIn(month, year int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseValidity reads a validity period as e-learning systems state it:
// "12 months", "1 year", "3 years", "365 days", "52 weeks", or a bare
// number of months ("12"). It returns the period as years, months, days
// for time.AddDate, so that "12 months" from 31 January is still a year.
func parseValidity(s string) (years, months, days int, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	num, unit, _ := strings.Cut(s, " ")
	if unit == "" {
		// "12m", "1y", "365d" and a bare number (months).
		i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
		if i >= 0 {
			num, unit = s[:i], s[i:]
		}
	}
	n, convErr := strconv.Atoi(strings.TrimSpace(num))
	if convErr != nil || n <= 0 || n > 1200 {
		return 0, 0, 0, fmt.Errorf("validity %q is not a positive number of days, weeks, months or years", s)
	}
	switch strings.TrimSpace(unit) {
	case "", "m", "mo", "month", "months":
		return 0, n, 0, nil
	case "y", "yr", "yrs", "year", "years":
		return n, 0, 0, nil
	case "w", "wk", "week", "weeks":
		return 0, 0, 7 * n, nil
	case "d", "day", "days":
		return 0, 0, n, nil
	}
	return 0, 0, 0, fmt.Errorf("validity %q: unit %q is not days, weeks, months or years", s, unit)
}
