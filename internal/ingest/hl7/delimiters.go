package hl7

import (
	"fmt"
	"strings"
)

// Delimiters are a message's encoding characters, taken from MSH-1 and
// MSH-2. Truncation (v2.7 and later) is 0 when the message does not declare
// it.
type Delimiters struct {
	Field        byte
	Component    byte
	Repetition   byte
	Escape       byte
	Subcomponent byte
	Truncation   byte
}

// DefaultDelimiters are the encoding characters almost every sender uses:
// |^~\&.
var DefaultDelimiters = Delimiters{Field: '|', Component: '^', Repetition: '~', Escape: '\\', Subcomponent: '&'}

// parseDelimiters reads the field separator and the encoding characters
// (the text of MSH-2). enc is 4 characters, or 5 with v2.7's truncation
// character. A doubled escape character (`^~\\&`, a string-escaping slip
// found in real feeds) is read as a single one.
func parseDelimiters(field byte, enc string) (Delimiters, error) {
	if len(enc) == 5 && enc[2] == enc[3] && enc[2] == '\\' {
		enc = enc[:3] + enc[4:]
	}
	if len(enc) != 4 && len(enc) != 5 {
		return Delimiters{}, fmt.Errorf("encoding characters %q: want 4 (or 5 with truncation), got %d", enc, len(enc))
	}
	d := Delimiters{Field: field, Component: enc[0], Repetition: enc[1], Escape: enc[2], Subcomponent: enc[3]}
	if len(enc) == 5 {
		d.Truncation = enc[4]
	}
	seen := []byte{field}
	for _, c := range []byte(enc) {
		if !validDelimiter(c) {
			return Delimiters{}, fmt.Errorf("encoding characters %q: %q cannot be a delimiter", enc, c)
		}
		for _, s := range seen {
			if s == c {
				return Delimiters{}, fmt.Errorf("encoding characters %q: %q is used twice (field separator %q)", enc, c, field)
			}
		}
		seen = append(seen, c)
	}
	if !validDelimiter(field) {
		return Delimiters{}, fmt.Errorf("field separator %q cannot be a delimiter", field)
	}
	return d, nil
}

// validDelimiter rejects letters, digits, spaces and control characters:
// with any of them as a delimiter ordinary text could not be told apart.
func validDelimiter(c byte) bool {
	switch {
	case c <= ' ' || c >= 0x7f:
		return false
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return false
	}
	return true
}

// String returns the delimiters as they appear at the start of MSH, e.g.
// "|^~\&".
func (d Delimiters) String() string {
	b := []byte{d.Field, d.Component, d.Repetition, d.Escape, d.Subcomponent}
	if d.Truncation != 0 {
		b = append(b, d.Truncation)
	}
	return string(b)
}

// EscapeValue returns v with every delimiter and line-break character replaced
// by its escape sequence, ready to be written as one subcomponent. Control
// characters that would break segment or MLLP framing (CR, LF, VT, FS) are
// written as \Xhh\.
func (d Delimiters) EscapeValue(v string) string {
	if !d.needsEscape(v) {
		return v
	}
	var b strings.Builder
	b.Grow(len(v) + 8)
	for i := 0; i < len(v); i++ {
		c := v[i]
		var code string
		switch c {
		case d.Field:
			code = "F"
		case d.Component:
			code = "S"
		case d.Subcomponent:
			code = "T"
		case d.Repetition:
			code = "R"
		case d.Escape:
			code = "E"
		case '\r', '\n', 0x0b, 0x1c:
			code = fmt.Sprintf("X%02X", c)
		default:
			if d.Truncation != 0 && c == d.Truncation {
				code = "P"
				break
			}
			b.WriteByte(c)
			continue
		}
		b.WriteByte(d.Escape)
		b.WriteString(code)
		b.WriteByte(d.Escape)
	}
	return b.String()
}

func (d Delimiters) needsEscape(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case d.Field, d.Component, d.Subcomponent, d.Repetition, d.Escape, '\r', '\n', 0x0b, 0x1c:
			return true
		default:
			if d.Truncation != 0 && c == d.Truncation {
				return true
			}
		}
	}
	return false
}
