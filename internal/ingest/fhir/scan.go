package fhir

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// scanner is a hand-written JSON reader over the elements Vigil reads of an
// AuditEvent, about ten times faster than encoding/json's reflection. It
// decides only what it is sure encoding/json would decide the same way: any
// input it is not sure of (a null, a repeated key, a
// key that matches a field only when case is ignored, invalid UTF-8 in a
// value read, a type mismatch, a syntax error) makes it give up, and the
// caller decodes with encoding/json, which then gives the same result or
// the same error as before.
//
// It decodes into a scratch resource whose strings are views of the input
// (or of esc, for values with escapes) and whose parts come from reusable
// slabs, so that decoding allocates nothing: only what the Access keeps is
// copied, by owner, once the resource is normalised.
type scanner struct {
	b     []byte
	i     int
	depth int
	esc   []byte // unescaped values; chunks are never rewritten before reset
	scratch
	own owner
}

// scanners are reused, with their scratch storage and interned strings.
var scanners = sync.Pool{New: func() any { return &scanner{own: newOwner()} }}

// view returns b as a string without copying: valid only while the input
// (or esc) is, so it may live in the scratch resource and nowhere else.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
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
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return s.b[s.i] // compact JSON has no white space to pass
	}
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// String flags from rawString.
const (
	strEscaped = 1 << iota // holds a backslash escape
	strHigh                // holds a byte outside ASCII
)

// rawString reads a string and returns its bytes (a view of the input,
// still escaped) and flags saying whether it holds an escape or a byte
// outside ASCII.
func (s *scanner) rawString() (b []byte, flags int, ok bool) {
	if s.peek() != '"' {
		return nil, 0, false
	}
	start := s.i + 1
	for j := start; j < len(s.b); j++ {
		j = plainRun(s.b, j)
		if j == len(s.b) {
			break
		}
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return s.b[start:j], flags, true
		case c == '\\':
			n := escapeLen(s.b[j+1:])
			if n == 0 {
				return nil, 0, false
			}
			flags |= strEscaped
			j += n
		case c < 0x20:
			return nil, 0, false
		default:
			flags |= strHigh
		}
	}
	return nil, 0, false
}

// plainRun returns the index of the first byte at or after j that is a
// quote, a backslash, a control character or outside ASCII (len(b) if
// none), testing eight bytes at a time: a string value is mostly such
// plain bytes.
func plainRun(b []byte, j int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j:])
		q := x ^ ('"' * ones)
		bs := x ^ ('\\' * ones)
		// A byte of the mask is set where q or bs is zero (the byte is a
		// quote or a backslash), the byte is below 0x20, or its high bit
		// is set; only the lowest set byte is exact, which is the one used.
		m := ((q - ones) &^ q) | ((bs - ones) &^ bs) | (x - 0x20*ones) | x
		if m &= highs; m != 0 {
			return j + bits.TrailingZeros64(m)/8
		}
	}
	for ; j < len(b); j++ {
		if c := b[j]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return j
		}
	}
	return j
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

// str reads a string value into *dst as a view (unescaped as
// encoding/json does; invalid UTF-8 without an escape is left to it).
func (s *scanner) str(dst *string) bool {
	b, flags, ok := s.rawString()
	switch {
	case !ok:
		return false
	case flags&strEscaped != 0:
		*dst = s.unescape(b)
	case flags&strHigh != 0 && !utf8.Valid(b):
		return false
	default:
		*dst = view(b)
	}
	return true
}

// unescape decodes into esc the escapes of a string rawString checked,
// as encoding/json does: a lone or bad surrogate and an invalid UTF-8 byte
// become U+FFFD. The result is a view of esc.
func (s *scanner) unescape(b []byte) string {
	// Each input byte gives at most three output bytes (a bad byte
	// becomes U+FFFD), so the value fits without esc moving.
	if cap(s.esc)-len(s.esc) < 3*len(b) {
		s.esc = make([]byte, 0, max(1024, 3*len(b)))
	}
	start := len(s.esc)
	s.esc = appendUnescaped(s.esc, b)
	return view(s.esc[start:])
}

// appendUnescaped appends b with its escapes decoded to out.
func appendUnescaped(out, b []byte) []byte {
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
	return out
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

// boolTrue and boolFalse are what boolean points at: the scratch resource
// is only read, so one shared value of each saves an allocation per agent.
var boolTrue, boolFalse = true, false

// boolean reads true or false into *dst.
func (s *scanner) boolean(dst **bool) bool {
	s.ws()
	switch {
	case bytes.HasPrefix(s.b[s.i:], []byte("true")):
		*dst, s.i = &boolTrue, s.i+4
	case bytes.HasPrefix(s.b[s.i:], []byte("false")):
		*dst, s.i = &boolFalse, s.i+5
	default:
		return false
	}
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
		key, flags, ok := s.rawString()
		if !ok || flags&strEscaped != 0 || s.peek() != ':' {
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
		// The length and first byte rule out most names without a
		// call to compare memory.
		if len(n) == len(key) && n[0] == key[0] && string(key) == n {
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
