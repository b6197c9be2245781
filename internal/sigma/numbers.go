package sigma

import (
	"strconv"
	"strings"
	"time"
)

// parseNumber reads a decimal (integer or float) or 0x-prefixed
// hexadecimal number, as event fields write them. It does not allocate.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		var n uint64
		for i := 2; i < len(s); i++ {
			d, ok := hexDigit(s[i])
			if !ok || n>>60 != 0 {
				return 0, false
			}
			n = n<<4 | uint64(d)
		}
		return float64(n), true
	}
	if !isDecimal(s) {
		return 0, false // checked first: ParseFloat allocates its error
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// isDecimal reports whether s is [+-]digits[.digits][e[+-]digits].
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// timePart extracts minute, hour, day, week (ISO 8601), month or year from
// a timestamp written "2024-05-01T10:20:30Z", "2024-05-01 10:20:30.123" or
// just "2024-05-01", taking the fields as written: the modifiers appendix
// says these modifiers do not convert time zones.
func timePart(s, part string) (float64, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, false
	}
	switch part {
	case "year":
		return float64(year), true
	case "month":
		return float64(month), true
	case "day":
		return float64(day), true
	case "week":
		_, w := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).ISOWeek()
		return float64(w), true
	}
	if len(s) < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' {
		return 0, false
	}
	hour, ok1 := digits(s[11:13])
	minute, ok2 := digits(s[14:16])
	if !ok1 || !ok2 || hour > 23 || minute > 59 {
		return 0, false
	}
	if part == "hour" {
		return float64(hour), true
	}
	return float64(minute), true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
