package winjson

import (
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

var (
	utcTime   = event.Intern("UtcTime")
	timestamp = event.Intern("@timestamp")
)

// eventTime picks the event's time: TimeCreated when it carries a zone
// (the XML's SystemTime always does), else Sysmon's UtcTime, else Beats'
// @timestamp, else a zoneless TimeCreated (nxlog's EventTime) read as UTC.
// nxlog writes EventTime in the collector's local zone without saying which,
// so it comes last.
func eventTime(ev *event.Event) time.Time {
	tc, zoned, ok := timeOf(ev, event.TimeCreated)
	if ok && zoned {
		return tc
	}
	if t, _, ok := timeOf(ev, utcTime); ok {
		return t
	}
	if t, _, ok := timeOf(ev, timestamp); ok {
		return t
	}
	if ok {
		return tc
	}
	return time.Time{}
}

func timeOf(ev *event.Event, id event.FieldID) (time.Time, bool, bool) {
	v, ok := ev.Get(id)
	if !ok {
		return time.Time{}, false, false
	}
	return parseTime(v)
}

// parseTime reads "2006-01-02T15:04:05.999999999Z07:00" and its variants: a
// space for the T, any number of fraction digits (beyond nanoseconds they
// are dropped), and a zone of Z, ±hh:mm, ±hhmm or none (read as UTC). It
// returns the time in UTC and whether a zone was given. It is a hand-written
// parser because time.Parse dominated decoding profiles.
func parseTime(s string) (t time.Time, zoned, ok bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
		s[13] != ':' || s[16] != ':' {
		return time.Time{}, false, false
	}
	year, ok1 := num(s[0:4])
	month, ok2 := num(s[5:7])
	day, ok3 := num(s[8:10])
	hour, ok4 := num(s[11:13])
	minute, ok5 := num(s[14:16])
	sec, ok6 := num(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 ||
		hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false, false
	}
	rest := s[19:]
	nsec := 0
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		var n int
		nsec, n = fraction(rest[1:])
		if n == 0 {
			return time.Time{}, false, false
		}
		rest = rest[1+n:]
	}
	offset, zoned, ok := zone(rest)
	if !ok {
		return time.Time{}, false, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), zoned, true
}

// num parses a short run of decimal digits.
func num(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// fraction reads fraction digits as nanoseconds and returns how many digits
// it consumed.
func fraction(s string) (nsec, n int) {
	scale := 100000000
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		nsec += int(s[n]-'0') * scale
		scale /= 10
		n++
	}
	return nsec, n
}

// zone reads a time zone designator and returns its offset east of UTC in
// seconds.
func zone(s string) (offset int, zoned, ok bool) {
	switch {
	case s == "":
		return 0, false, true
	case s == "Z" || s == "z":
		return 0, true, true
	case s[0] != '+' && s[0] != '-':
		return 0, false, false
	}
	var h, m int
	var okh, okm bool
	switch len(s) {
	case 6:
		if s[3] != ':' {
			return 0, false, false
		}
		h, okh = num(s[1:3])
		m, okm = num(s[4:6])
	case 5:
		h, okh = num(s[1:3])
		m, okm = num(s[3:5])
	default:
		return 0, false, false
	}
	if !okh || !okm || h > 23 || m > 59 {
		return 0, false, false
	}
	offset = h*3600 + m*60
	if s[0] == '-' {
		offset = -offset
	}
	return offset, true, true
}
