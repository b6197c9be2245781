package hl7

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/London must load even where the host has no zoneinfo
)

// london is the zone of HL7 timestamps that carry no offset: Vigil's feeds
// come from UK organisations, whose systems write local (GMT/BST) time.
var london = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil { // unreachable with time/tzdata embedded
		return time.UTC
	}
	return loc
})

// ParseTime parses an HL7 timestamp (DTM/TS):
//
//	YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]
//
// Missing parts default to their first value (January, the 1st, midnight).
// A timestamp with no offset is read as Europe/London local time, as UK
// systems write it. More than four fraction digits are accepted, as some
// senders write them. Only TS's first component is read, so "200601021504^S"
// works too.
func ParseTime(s string) (time.Time, error) {
	orig := s
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '^'); i >= 0 {
		s = s[:i]
	}
	loc, s, err := splitZone(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("hl7 timestamp %q: %w", orig, err)
	}
	digits, frac, hasFrac := strings.Cut(s, ".")
	if n := len(digits); n < 4 || n > 14 || n%2 != 0 || !allDigits(digits) {
		return time.Time{}, fmt.Errorf("hl7 timestamp %q: want YYYY[MM[DD[HH[MM[SS]]]]] digits", orig)
	}
	if hasFrac && (len(digits) != 14 || frac == "" || len(frac) > 9 || !allDigits(frac)) {
		return time.Time{}, fmt.Errorf("hl7 timestamp %q: a fraction needs seconds and 1 to 9 digits", orig)
	}
	part := []int{0, 1, 1, 0, 0, 0}
	part[0], _ = strconv.Atoi(digits[:4])
	for i := 1; 4+2*i <= len(digits); i++ { // month, day, hour, minute, second
		part[i], _ = strconv.Atoi(digits[2+2*i : 4+2*i])
	}
	nanos := 0
	if hasFrac {
		nanos, _ = strconv.Atoi((frac + "000000000")[:9])
	}
	if part[1] < 1 || part[1] > 12 || part[2] < 1 || part[2] > 31 || part[3] > 23 || part[4] > 59 || part[5] > 60 {
		return time.Time{}, fmt.Errorf("hl7 timestamp %q: out of range", orig)
	}
	t := time.Date(part[0], time.Month(part[1]), part[2], part[3], part[4], part[5], nanos, loc)
	if t.Day() != part[2] {
		return time.Time{}, fmt.Errorf("hl7 timestamp %q: no such day", orig)
	}
	return t, nil
}

// splitZone removes a trailing +ZZZZ or -ZZZZ offset and returns the zone
// it names, or Europe/London when there is none.
func splitZone(s string) (*time.Location, string, error) {
	i := strings.LastIndexAny(s, "+-")
	if i < 0 {
		return london(), s, nil
	}
	z := s[i+1:]
	if len(z) != 4 || !allDigits(z) {
		return nil, s, fmt.Errorf("offset %q: want +/-HHMM", s[i:])
	}
	h, _ := strconv.Atoi(z[:2])
	m, _ := strconv.Atoi(z[2:])
	if h > 23 || m > 59 {
		return nil, s, fmt.Errorf("offset %q out of range", s[i:])
	}
	secs := h*3600 + m*60
	if s[i] == '-' {
		secs = -secs
	}
	return time.FixedZone(s[i:], secs), s[:i], nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
