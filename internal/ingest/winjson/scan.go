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

// isSpace marks JSON's insignificant whitespace.
var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// spaces8 is eight spaces read as one little-endian word.
const spaces8 = 0x2020202020202020

// ws skips insignificant whitespace. Pretty-printed events are largely
// indentation, so runs of spaces are measured eight bytes at a time.
func (s *scanner) ws() {
	d, i := s.data, s.pos
	for i < len(d) && isSpace[d[i]] {
		i++
		for i+8 <= len(d) {
			x := binary.LittleEndian.Uint64(d[i:]) ^ spaces8
			if x != 0 {
				i += bits.TrailingZeros64(x) >> 3 // the spaces before the first other byte
				break
			}
			i += 8
		}
	}
	s.pos = i
}

// peek returns the next significant byte, or 0 at the end of input.
func (s *scanner) peek() byte {
	if s.pos < len(s.data) && s.data[s.pos] > ' ' { // the common case: no space
		return s.data[s.pos]
	}
	s.ws()
	if s.pos < len(s.data) {
		return s.data[s.pos]
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

// strPlain marks the bytes that need no attention inside a string.
var strPlain = func() (t [256]bool) {
	for i := range t {
		t[i] = i >= 0x20 && i != '"' && i != '\\'
	}
	return t
}()

// plain8 reports whether none of the eight bytes in w needs attention in a
// string: no quote, no backslash, no control character. It may say false
// for a plain word (a borrow can carry into a higher byte); the byte loop
// then looks closer.
func plain8(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := w ^ (ones * '"')
	bslash := w ^ (ones * '\\')
	// A byte below b shows as a high bit in (v - ones*b) &^ v; quotes and
	// backslashes are bytes below 1 once xor-ed to zero.
	return ((quote-ones)&^quote|(bslash-ones)&^bslash|(w-ones*0x20)&^w)&highs == 0
}

// str reads the string starting at s.pos (an opening quote) and returns its
// raw content, still escaped, and whether it holds escapes. Escapes are
// validated here so that unescaping later cannot fail.
func (s *scanner) str() ([]byte, bool) {
	open := s.pos
	i := open + 1
	esc := false
	d := s.data
	for {
		for i+8 <= len(d) && plain8(binary.LittleEndian.Uint64(d[i:])) {
			i += 8
		}
		for i < len(d) && strPlain[d[i]] {
			i++
		}
		if i >= len(d) {
			s.failEnd(open, "string")
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return d[open+1 : i], esc
		case c == '\\':
			esc = true
			i = s.escape(i)
		default:
			s.fail(i, "control character 0x%02x inside a string", c)
		}
	}
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
