package syslog

import (
	"strings"
	"time"
)

// parseTimestamp reads the timestamp at the start of an RFC 3164 line:
// RFC 3339, or BSD "Mmm dd hh:mm:ss". It returns the time and the rest of
// the line.
func parseTimestamp(s string, ref time.Time) (time.Time, string, bool) {
	if len(s) >= 10 && s[4] == '-' && isDigits(s[:4]) {
		w, _, _ := strings.Cut(s, " ")
		if t, ok := parseRFC3339(w); ok {
			return t, s[len(w):], true
		}
		return time.Time{}, s, false
	}
	return parseBSD(s, ref)
}

// parseRFC3339 reads an RFC 3339 timestamp, keeping its zone.
func parseRFC3339(s string) (time.Time, bool) {
	if len(s) < 20 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

var months = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April,
	"may": time.May, "jun": time.June, "jul": time.July, "aug": time.August,
	"sep": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

// parseBSD reads "Mmm dd hh:mm:ss" and the variants met in practice: any
// case for the month, a one-digit day with one space, fractions of a
// second, a year before the time (Cisco: "Mmm dd yyyy hh:mm:ss") and a
// colon after it. Without a year, the year is the latest that does not put
// the time more than a month after ref; the time is read in ref's zone.
func parseBSD(s string, ref time.Time) (time.Time, string, bool) {
	if len(s) < 14 {
		return time.Time{}, s, false
	}
	mon, ok := months[strings.ToLower(s[:3])]
	if !ok || s[3] != ' ' {
		return time.Time{}, s, false
	}
	i := 4
	if s[i] == ' ' {
		i++
	}
	day, i, ok := number(s, i, 1, 2)
	if !ok || day < 1 || day > 31 || i >= len(s) || s[i] != ' ' {
		return time.Time{}, s, false
	}
	i++
	year := 0
	if y, j, ok := number(s, i, 4, 4); ok && j < len(s) && s[j] == ' ' {
		year, i = y, j+1
	}
	clock, i, ok := parseClock(s, i)
	if !ok {
		return time.Time{}, s, false
	}
	if i < len(s) && s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
		i++
	}
	if i < len(s) && s[i] != ' ' {
		return time.Time{}, s, false
	}
	if year == 0 {
		year = ref.Year()
		if date(year, mon, day, clock, ref.Location()).After(ref.AddDate(0, 1, 0)) {
			year--
		}
	}
	return date(year, mon, day, clock, ref.Location()), s[i:], true
}

// clock is a time of day.
type clock struct{ h, m, s, ns int }

func date(year int, mon time.Month, day int, c clock, loc *time.Location) time.Time {
	return time.Date(year, mon, day, c.h, c.m, c.s, c.ns, loc)
}

// parseClock reads "hh:mm:ss" with an optional fraction.
func parseClock(s string, i int) (clock, int, bool) {
	var c clock
	var ok bool
	if c.h, i, ok = number(s, i, 2, 2); !ok || c.h > 23 || i >= len(s) || s[i] != ':' {
		return c, i, false
	}
	if c.m, i, ok = number(s, i+1, 2, 2); !ok || c.m > 59 || i >= len(s) || s[i] != ':' {
		return c, i, false
	}
	if c.s, i, ok = number(s, i+1, 2, 2); !ok || c.s > 60 {
		return c, i, false
	}
	if i < len(s) && s[i] == '.' {
		scale := 100000000
		j := i + 1
		for ; j < len(s) && '0' <= s[j] && s[j] <= '9'; j++ {
			c.ns += int(s[j]-'0') * scale
			scale /= 10
		}
		if j == i+1 {
			return c, i, false
		}
		i = j
	}
	return c, i, true
}

// number reads between lo and hi decimal digits at s[i:].
func number(s string, i, lo, hi int) (int, int, bool) {
	n, j := 0, i
	for ; j < len(s) && j-i < hi && '0' <= s[j] && s[j] <= '9'; j++ {
		n = n*10 + int(s[j]-'0')
	}
	return n, j, j-i >= lo
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
