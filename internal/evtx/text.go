package evtx

import (
	"encoding/binary"
	"slices"
	"unicode"
	"unicode/utf8"
)

// trimNUL16 drops trailing UTF-16 NUL characters (and an odd trailing byte):
// writers often count the terminator in a string's size.
func trimNUL16(b []byte) []byte {
	b = b[:len(b)&^1]
	for len(b) >= 2 && b[len(b)-1] == 0 && b[len(b)-2] == 0 {
		b = b[:len(b)-2]
	}
	return b
}

// appendUTF16 decodes little-endian UTF-16 b as UTF-8 onto dst. Unpaired
// surrogates become U+FFFD and an odd trailing byte is ignored. ASCII, by
// far the most common case, is copied four characters at a time.
func appendUTF16(dst []byte, b []byte) []byte {
	dst = slices.Grow(dst, len(b)/2)
	for len(b) >= 2 {
		if len(b) >= 8 {
			if v := binary.LittleEndian.Uint64(b); v&0xff80ff80ff80ff80 == 0 {
				dst = append(dst, byte(v), byte(v>>16), byte(v>>32), byte(v>>48))
				b = b[8:]
				continue
			}
		}
		c := uint16(b[0]) | uint16(b[1])<<8
		b = b[2:]
		switch {
		case c < 0x80:
			dst = append(dst, byte(c))
		case c < 0xd800 || c > 0xdfff:
			dst = utf8.AppendRune(dst, rune(c))
		case c < 0xdc00 && len(b) >= 2:
			c2 := uint16(b[0]) | uint16(b[1])<<8
			if c2 >= 0xdc00 && c2 <= 0xdfff {
				dst = utf8.AppendRune(dst, 0x10000+(rune(c)-0xd800)<<10+rune(c2)-0xdc00)
				b = b[2:]
				continue
			}
			dst = utf8.AppendRune(dst, utf8.RuneError)
		default:
			dst = utf8.AppendRune(dst, utf8.RuneError)
		}
	}
	return dst
}

// cp1252 maps the bytes 0x80 to 0x9f of Windows code page 1252, the default
// code page for ANSI strings in event logs; the other bytes map to the same
// Unicode code point (Latin-1).
var cp1252 = [32]rune{
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
}

// appendANSI decodes an ANSI string, dropping trailing NULs. Valid UTF-8 is
// kept as it is; anything else is read as code page 1252.
func appendANSI(dst []byte, b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	if utf8.Valid(b) {
		return append(dst, b...)
	}
	for _, c := range b {
		switch {
		case c < 0x80:
			dst = append(dst, c)
		case c < 0xa0:
			dst = utf8.AppendRune(dst, cp1252[c-0x80])
		default:
			dst = utf8.AppendRune(dst, rune(c))
		}
	}
	return dst
}

// trimSpace removes leading and trailing white space from dst[start:], as
// evtx_dump does for string values: command lines written by Windows often
// end in a space that detection rules do not expect.
func trimSpace(dst []byte, start int) []byte {
	end := len(dst)
	for end > start {
		r, n := rune(dst[end-1]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeLastRune(dst[start:end])
		}
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	lead := start
	for lead < end {
		r, n := rune(dst[lead]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(dst[lead:end])
		}
		if !unicode.IsSpace(r) {
			break
		}
		lead += n
	}
	if lead > start {
		end = start + copy(dst[start:], dst[lead:end])
	}
	return dst[:end]
}
