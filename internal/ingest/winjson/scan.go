package winjson

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 512

// SyntaxError is a malformed JSON input: what is wrong and at which byte
// offset of the decoded value (0-based).
type SyntaxError struct {
	Offset int
	Msg    string

	truncated bool // the input ended inside the value: more data may fix it
}

// Error renders the error as "byte N: what".
func (e *SyntaxError) Error() string { return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg) }

// scanner reads JSON tokens from data. Errors panic with *SyntaxError and are
// recovered by Decode: the recursive descent stays free of error plumbing and
// the happy path pays nothing for it.
type scanner struct {
	data  []byte
	pos   int
	depth int
}

func (s *scanner) fail(off int, format string, args ...any) {
	panic(&SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...), truncated: off >= len(s.data)})
}

// failEnd reports that the input ended inside the value starting at off.
func (s *scanner) failEnd(off int, what string) {
	panic(&SyntaxError{Offset: off, Msg: what + " is not closed before the end of input", truncated: true})
}

// ws skips whitespace.
func (s *scanner) ws() { s.peek() }

// peek skips whitespace and returns the next byte, or 0 at the end of
// input. Any byte up to ' ' counts as whitespace: JSON allows only space,
// tab and line breaks, but a log reader gains nothing by refusing other
// control characters, and the simple test keeps peek small enough to
// inline into the scanner's every step.
func (s *scanner) peek() byte {
	i := s.pos
	for i < len(s.data) && s.data[i] <= ' ' {
		i++
	}
	s.pos = i
	if i < len(s.data) {
		return s.data[i]
	}
	return 0
}

// describe names the byte at off for an error message.
func (s *scanner) describe(off int) string {
	if off >= len(s.data) {
		return "end of input"
	}
	c := s.data[off]
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return fmt.Sprintf("%q", c)
}

// enter consumes the opening bracket of an object or array.
func (s *scanner) enter(open byte) {
	if s.peek() != open {
		s.fail(s.pos, "unexpected %s, want %q", s.describe(s.pos), open)
	}
	s.depth++
	if s.depth > maxDepth {
		s.fail(s.pos, "nesting deeper than %d levels", maxDepth)
	}
	s.pos++
}

// more reports whether the object or array being read has another member,
// consuming the separating comma, or the closing bracket when it has not.
// first must start true for each object or array.
func (s *scanner) more(close byte, first *bool) bool {
	c := s.peek()
	if c == close {
		// A trailing comma never gets here: the comma returned true and
		// the caller then failed to read a key or value.
		s.pos++
		s.depth--
		return false
	}
	if !*first {
		if c != ',' {
			s.fail(s.pos, "unexpected %s, want ',' or %q", s.describe(s.pos), close)
		}
		s.pos++
	}
	*first = false
	return true
}

// key reads an object key and the colon after it. It returns the raw key
// and whether it holds escapes.
func (s *scanner) key() ([]byte, bool) {
	if s.peek() != '"' {
		s.fail(s.pos, "unexpected %s, want a string key", s.describe(s.pos))
	}
	k, esc := s.str()
	if s.peek() != ':' {
		s.fail(s.pos, "unexpected %s, want ':' after key", s.describe(s.pos))
	}
	s.pos++
	return k, esc
}

// str reads the string starting at s.pos (an opening quote) and returns its
// raw content, still escaped, and whether it holds escapes. Escapes are
// validated here so that unescaping later cannot fail. Raw control
// characters, which JSON forbids inside strings but some producers write
// (tabs, mostly), are accepted as they are: a log reader gains nothing by
// refusing them.
func (s *scanner) str() ([]byte, bool) {
	open := s.pos
	d := s.data
	esc := false
	for i := open + 1; ; {
		j := quoteOrBackslash(d, i)
		if j >= len(d) {
			s.failEnd(open, "string")
		}
		if d[j] == '"' {
			s.pos = j + 1
			return d[open+1 : j], esc
		}
		esc = true
		i = s.escape(j) // past the escape, which may be an escaped quote
	}
}

// quoteOrBackslash returns the index of the first '"' or '\\' in d at or
// after i, or len(d). It tests eight bytes at a time: a byte of w equal to
// b is a zero byte of w^(ones*b), and the lowest zero byte of v is the
// lowest byte flagged in (v-ones)&^v&highs (borrows only flag bytes above
// a true zero).
func quoteOrBackslash(d []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(d); i += 8 {
		w := binary.LittleEndian.Uint64(d[i:])
		q, b := w^(ones*'"'), w^(ones*'\\')
		if m := ((q-ones)&^q | (b-ones)&^b) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(d); i++ {
		if d[i] == '"' || d[i] == '\\' {
			return i
		}
	}
	return len(d)
}

// escape validates the escape sequence at i and returns the index after it.
func (s *scanner) escape(i int) int {
	d := s.data
	if i+1 >= len(d) {
		s.failEnd(i, "escape")
	}
	switch d[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2
	case 'u':
		if i+6 > len(d) {
			s.failEnd(i, "\\u escape")
		}
		if _, ok := hex4(d[i+2 : i+6]); !ok {
			s.fail(i, "invalid \\u escape %q", d[i:i+6])
		}
		return i + 6
	}
	s.fail(i, "invalid escape %q", d[i:i+2])
	return 0
}

// hex4 decodes four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// appendUnescaped appends the decoded form of a validated raw string.
// Unpaired surrogates become U+FFFD, as encoding/json does.
func appendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		if raw[i] != '\\' {
			j := bytes.IndexByte(raw[i:], '\\')
			if j < 0 {
				return append(dst, raw[i:]...)
			}
			dst = append(dst, raw[i:i+j]...)
			i += j
			continue
		}
		c := raw[i+1]
		i += 2
		switch c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			var r rune
			r, i = unicodeEscape(raw, i)
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
	}
	return dst
}

// unicodeEscape decodes the four digits at raw[i:] and, for a high
// surrogate, the low surrogate escape that should follow.
func unicodeEscape(raw []byte, i int) (rune, int) {
	r, _ := hex4(raw[i:])
	i += 4
	if !utf16.IsSurrogate(r) {
		return r, i
	}
	if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
		r2, _ := hex4(raw[i+2:])
		if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
			return dec, i + 6
		}
	}
	return utf8.RuneError, i
}

// number reads a number and returns its literal text.
func (s *scanner) number() []byte {
	d := s.data
	start := s.pos
	i := start
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i = digits(d, i)
	default:
		s.fail(i, "unexpected %s in a number", s.describe(i))
	}
	if i < len(d) && d[i] == '.' {
		j := digits(d, i+1)
		if j == i+1 {
			s.fail(j, "unexpected %s after a decimal point", s.describe(j))
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := digits(d, i)
		if j == i {
			s.fail(j, "unexpected %s in an exponent", s.describe(j))
		}
		i = j
	}
	s.pos = i
	return d[start:i]
}

func digits(d []byte, i int) int {
	for i < len(d) && '0' <= d[i] && d[i] <= '9' {
		i++
	}
	return i
}

// literal consumes the keyword lit (true, false or null).
func (s *scanner) literal(lit string) {
	rest := s.data[s.pos:]
	if !bytes.HasPrefix(rest, []byte(lit)) {
		if len(rest) < len(lit) && bytes.HasPrefix([]byte(lit), rest) {
			s.failEnd(s.pos, lit)
		}
		s.fail(s.pos, "unexpected %s, want %s", s.describe(s.pos), lit)
	}
	s.pos += len(lit)
}

// skip reads and discards one value of any kind, validating it.
func (s *scanner) skip() {
	switch c := s.peek(); c {
	case '{':
		s.enter('{')
		for first := true; s.more('}', &first); {
			s.key()
			s.skip()
		}
	case '[':
		s.enter('[')
		for first := true; s.more(']', &first); {
			s.skip()
		}
	case '"':
		s.str()
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	default:
		if c == '-' || ('0' <= c && c <= '9') {
			s.number()
			return
		}
		s.fail(s.pos, "unexpected %s, want a value", s.describe(s.pos))
	}
}
