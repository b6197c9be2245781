package fhir

import (
	"bytes"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a hand-written JSON reader over the elements Vigil reads of an
// AuditEvent, about ten times faster than encoding/json's reflection. It
// decides only what it is sure encoding/json would decide the same way: any
// input it is not sure of (a null, a repeated key, a
// key that matches a field only when case is ignored, invalid UTF-8 in a
// value read, a type mismatch, a syntax error) makes it give up, and the
// caller decodes with encoding/json, which then gives the same result or
// the same error as before.
type scanner struct {
	b     []byte
	i     int
	depth int
	// strs interns short values (code systems, codes, roles repeat in
	// every event), so that each is allocated once per scanner. The
	// strings are immutable: results may keep them.
	strs map[string]string
}

// Interning bounds: values up to maxIntern bytes, maxStrs of them before
// the table starts afresh.
const (
	maxIntern = 96
	maxStrs   = 4096
)

// scanners are reused, with their interned strings.
var scanners = sync.Pool{New: func() any { return &scanner{strs: make(map[string]string, 256)} }}

// intern returns b as a string, shared with earlier equal values.
func (s *scanner) intern(b []byte) string {
	if len(b) > maxIntern || s.strs == nil {
		return string(b)
	}
	if v, ok := s.strs[string(b)]; ok {
		return v
	}
	if len(s.strs) >= maxStrs {
		clear(s.strs)
	}
	v := string(b)
	s.strs[v] = v
	return v
}

// maxDepth is how deep the scanner nests before giving up (encoding/json
// allows 10,000 and then fails; the slow path says so).
const maxDepth = 200

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// rawString reads a string and returns its bytes (a view of the input,
// still escaped) and whether it holds an escape.
func (s *scanner) rawString() (b []byte, escaped, ok bool) {
	if s.peek() != '"' {
		return nil, false, false
	}
	start := s.i + 1
	for j := start; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return s.b[start:j], escaped, true
		case c == '\\':
			n := escapeLen(s.b[j+1:])
			if n == 0 {
				return nil, false, false
			}
			escaped = true
			j += n
		case c < 0x20:
			return nil, false, false
		}
	}
	return nil, false, false
}

// escapeLen is the length of a valid escape after its backslash, 0 if
// it is not one.
func escapeLen(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 1
	case 'u':
		if len(b) < 5 {
			return 0
		}
		for _, c := range b[1:5] {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return 0
			}
		}
		return 5
	}
	return 0
}

// str reads a string value into *dst, copied (unescaped as encoding/json
// does; invalid UTF-8 without an escape is left to it).
func (s *scanner) str(dst *string) bool {
	b, escaped, ok := s.rawString()
	switch {
	case !ok:
		return false
	case escaped:
		*dst = unescape(b)
	case !utf8.Valid(b):
		return false
	default:
		*dst = s.intern(b)
	}
	return true
}

// unescape decodes the escapes of a string rawString checked, as
// encoding/json does: a lone or bad surrogate and an invalid UTF-8 byte
// become U+FFFD.
func unescape(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\' && b[i+1] == 'u':
			r := hex4(b[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
					r2 = hex4(b[i+2:])
				}
				if d := utf16.DecodeRune(r, r2); d != unicode.ReplacementChar {
					r, i = d, i+6
				} else {
					r = unicode.ReplacementChar
				}
			}
			out = utf8.AppendRune(out, r)
		case c == '\\':
			out = append(out, simpleEscape[b[i+1]])
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			out = utf8.AppendRune(out, r) // RuneError for a bad byte, as encoding/json
			i += n
		}
	}
	return string(out)
}

var simpleEscape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// hex4 reads the four hex digits escapeLen checked.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// boolean reads true or false into a new *bool.
func (s *scanner) boolean(dst **bool) bool {
	s.ws()
	v := false
	switch {
	case bytes.HasPrefix(s.b[s.i:], []byte("true")):
		v, s.i = true, s.i+4
	case bytes.HasPrefix(s.b[s.i:], []byte("false")):
		s.i += 5
	default:
		return false
	}
	*dst = &v
	return true
}

// object reads an object whose known keys are names: set(k) reads the
// value of names[k]; other keys' values are checked and skipped.
func (s *scanner) object(names []string, set func(k int) bool) bool {
	if s.peek() != '{' || s.depth >= maxDepth {
		return false
	}
	s.i++
	s.depth++
	var seen uint64
	if s.peek() == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		key, escaped, ok := s.rawString()
		if !ok || escaped || s.peek() != ':' {
			return false
		}
		s.i++
		k := fieldIndex(names, key)
		switch {
		case k == foldMatch:
			return false
		case k >= 0:
			if seen&(1<<k) != 0 || s.peek() == 'n' || !set(k) {
				return false
			}
			seen |= 1 << k
		default:
			if !s.skip() {
				return false
			}
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// foldMatch is fieldIndex's answer for a key that equals a name only when
// case is ignored, or that is not ASCII: encoding/json's matching is
// theirs to decide.
const foldMatch = -2

func fieldIndex(names []string, key []byte) int {
	if len(names) == 0 {
		return -1
	}
	for k, n := range names {
		if string(key) == n {
			return k
		}
	}
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return foldMatch
		}
	}
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return foldMatch
		}
	}
	return -1
}

// array reads an array, calling each for every element.
func (s *scanner) array(each func() bool) bool {
	if s.peek() != '[' || s.depth >= maxDepth {
		return false
	}
	s.i++
	s.depth++
	if s.peek() == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		if s.peek() == 'n' || !each() {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// skip checks and passes over any value.
func (s *scanner) skip() bool {
	switch c := s.peek(); {
	case c == '"':
		_, _, ok := s.rawString()
		return ok
	case c == '{':
		return s.object(nil, nil)
	case c == '[':
		return s.array(s.skip)
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	return false
}

func (s *scanner) literal(lit string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		return false
	}
	s.i += len(lit)
	return true
}

// number passes over a number as JSON writes it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() bool {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case !s.digits():
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		return s.digits()
	}
	return true
}

// digits passes over one or more digits.
func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}
