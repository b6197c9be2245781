package hl7

import "strings"

// Segment is one segment of a message. Fields are numbered as HL7 numbers
// them: for MSH, field 1 is the field separator itself and field 2 the
// encoding characters; for other segments field 1 is the first field after
// the name.
type Segment struct {
	Name   string // three characters, e.g. "PID" or "ZLW"
	Line   int    // 1-based line within the message
	Offset int    // byte offset of the segment within the message
	fields []string
	delims *Delimiters
}

// NumFields returns the number of the last field present.
func (s *Segment) NumFields() int { return len(s.fields) - 1 }

// Field returns field n as written, still encoded (repetitions, components
// and escape sequences untouched); "" when absent.
func (s *Segment) Field(n int) string {
	if n < 1 || n >= len(s.fields) {
		return ""
	}
	return s.fields[n]
}

// Repetitions returns how many repetitions field n holds (0 when absent or
// empty).
func (s *Segment) Repetitions(n int) int {
	f := s.Field(n)
	if f == "" {
		return 0
	}
	if s.isEncodingField(n) {
		return 1
	}
	return strings.Count(f, string(s.delims.Repetition)) + 1
}

// Value returns one decoded value of field n: repetition rep, component
// comp, subcomponent sub, all 1-based (0 is taken as 1). It returns "" when
// any part is absent. MSH-1 and MSH-2 are returned whole, as they are the
// delimiters themselves.
func (s *Segment) Value(n, rep, comp, sub int) string {
	f := s.Field(n)
	if f == "" {
		return ""
	}
	if s.isEncodingField(n) {
		return f
	}
	d := s.delims
	f = nth(f, d.Repetition, rep)
	f = nth(f, d.Component, comp)
	f = nth(f, d.Subcomponent, sub)
	return d.UnescapeValue(f)
}

// Component returns component comp (1-based) of the first repetition of
// field n, with its subcomponents still joined; handy for text fields.
func (s *Segment) Component(n, rep, comp int) string {
	f := s.Field(n)
	if f == "" || s.isEncodingField(n) {
		return f
	}
	return nth(nth(f, s.delims.Repetition, rep), s.delims.Component, comp)
}

func (s *Segment) isEncodingField(n int) bool { return s.Name == "MSH" && (n == 1 || n == 2) }

// nth returns the i-th (1-based; 0 counts as 1) part of s split at sep, or
// "" when there are fewer parts. It does not allocate.
func nth(s string, sep byte, i int) string {
	for i > 1 {
		j := strings.IndexByte(s, sep)
		if j < 0 {
			return ""
		}
		s = s[j+1:]
		i--
	}
	if j := strings.IndexByte(s, sep); j >= 0 {
		return s[:j]
	}
	return s
}
