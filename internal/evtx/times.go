package evtx

import (
	"encoding/binary"
	"time"
)

// filetimeEpoch is 1970-01-01 in FILETIME units (100 ns since 1601-01-01).
const filetimeEpoch = 116444736000000000

// fileTime converts a FILETIME to a UTC time.
func fileTime(ft uint64) time.Time {
	d := int64(ft/10_000_000) - filetimeEpoch/10_000_000
	return time.Unix(d, int64(ft%10_000_000)*100).UTC()
}

// appendFileTime renders a FILETIME as RFC 3339 UTC with microseconds
// (truncated), as evtx_dump does: 2025-10-24T23:41:48.497170Z. It formats by
// hand because this runs for every record.
func appendFileTime(dst []byte, ft uint64) []byte {
	secs := ft / 10_000_000
	micros := (ft % 10_000_000) / 10
	days := int64(secs / 86400)
	rem := secs % 86400
	y, m, d := civil(days - 134774) // 134774 days from 1601-01-01 to 1970-01-01
	return appendStamp(dst, y, m, d, int(rem/3600), int(rem/60%60), int(rem%60), int(micros))
}

// appendSysTime renders a 16-byte SYSTEMTIME like appendFileTime.
func appendSysTime(dst []byte, b []byte) []byte {
	le := binary.LittleEndian
	u := func(i int) int { return int(le.Uint16(b[2*i:])) }
	return appendStamp(dst, int64(u(0)), u(1), u(3), u(4), u(5), u(6), u(7)*1000)
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (the days-from-civil inverse of H. Hinnant's date algorithms).
func civil(days int64) (year int64, month, day int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

func appendStamp(dst []byte, y int64, mo, d, h, mi, s, us int) []byte {
	if y < 0 || y > 9999 {
		y = 0 // out of range for RFC 3339; only damaged values get here
	}
	dst = appendDigits(dst, int(y), 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, mo, 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, h, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, mi, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, s, 2)
	dst = append(dst, '.')
	dst = appendDigits(dst, us, 6)
	return append(dst, 'Z')
}

// appendDigits writes v in decimal, zero-padded to n digits, keeping only
// the low n digits (date parts are in range; damaged values stay bounded).
func appendDigits(dst []byte, v, n int) []byte {
	if v < 0 {
		v = 0
	}
	start := len(dst)
	for range n {
		dst = append(dst, '0')
	}
	for i := start + n - 1; i >= start; i-- {
		dst[i] = byte('0' + v%10)
		v /= 10
	}
	return dst
}
