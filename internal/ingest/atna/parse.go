package atna

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Parse parses one AuditMessage. Errors are *Error naming the element and
// its byte offset in data. The result does not refer to data.
//
// Attribute values with a bare "&" (as dcm4chee writes HL7 CX patient ids,
// "PID1^^^Site A&1.2.40...&ISO") are not well-formed XML but are common;
// they are read as a literal "&".
func Parse(data []byte) (*Message, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	fixed, inserts := escapeBareAmpersands(data)
	p := &parser{dec: xml.NewDecoder(bytes.NewReader(fixed)), inserts: inserts}
	p.dec.CharsetReader = charsetReader
	raw, err := p.read()
	if err != nil {
		return nil, err
	}
	return raw.build()
}

var utf8BOM = []byte("\xef\xbb\xbf")

// rawMessage is the XML as read, with the offset of each element.
type rawMessage struct {
	event        *xEvent
	eventOff     int64
	participants []xParticipant
	partOffs     []int64
	source       *xSource
	sourceOff    int64
	objects      []xObject
	objectOffs   []int64
}

type parser struct {
	dec     *xml.Decoder
	inserts []int64 // offsets in the input where "amp;" was inserted
}

// offset maps an offset in the repaired input back to the original input.
func (p *parser) offset(off int64) int64 {
	n := int64(0)
	for _, at := range p.inserts {
		if at+n*4 >= off {
			break
		}
		n++
	}
	return off - 4*n
}

func (p *parser) syntaxError(element string, err error) error {
	return &Error{Element: element, Offset: p.offset(p.dec.InputOffset()), Msg: "malformed XML", Err: err}
}

// read finds the AuditMessage root and decodes its children.
func (p *parser) read() (*rawMessage, error) {
	for {
		off := p.dec.InputOffset()
		tok, err := p.dec.Token()
		if errors.Is(err, io.EOF) {
			return nil, &Error{Offset: p.offset(off), Msg: "no AuditMessage element"}
		}
		if err != nil {
			return nil, p.syntaxError("", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "AuditMessage" {
				return nil, &Error{Element: se.Name.Local, Offset: p.offset(off), Msg: "root element is not AuditMessage"}
			}
			return p.children()
		}
	}
}

// children decodes the elements inside AuditMessage, skipping unknown ones.
func (p *parser) children() (*rawMessage, error) {
	m := &rawMessage{}
	for {
		off := p.dec.InputOffset()
		tok, err := p.dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, p.syntaxError("AuditMessage", err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return m, nil
		case xml.StartElement:
			if err := p.child(m, &t, p.offset(off)); err != nil {
				return nil, err
			}
		}
	}
}

func (p *parser) child(m *rawMessage, se *xml.StartElement, off int64) error {
	var err error
	name := se.Name.Local
	switch name {
	case "EventIdentification":
		if m.event != nil {
			return &Error{Element: name, Offset: off, Msg: "appears more than once"}
		}
		m.event, m.eventOff = new(xEvent), off
		err = p.dec.DecodeElement(m.event, se)
	case "ActiveParticipant":
		name = fmt.Sprintf("%s[%d]", name, len(m.participants))
		m.participants = append(m.participants, xParticipant{})
		m.partOffs = append(m.partOffs, off)
		err = p.dec.DecodeElement(&m.participants[len(m.participants)-1], se)
	case "AuditSourceIdentification":
		// RFC 3881 allows several; the first names the source.
		if m.source != nil {
			return p.dec.Skip()
		}
		m.source, m.sourceOff = new(xSource), off
		err = p.dec.DecodeElement(m.source, se)
	case "ParticipantObjectIdentification":
		name = fmt.Sprintf("%s[%d]", name, len(m.objects))
		m.objects = append(m.objects, xObject{})
		m.objectOffs = append(m.objectOffs, off)
		err = p.dec.DecodeElement(&m.objects[len(m.objects)-1], se)
	default:
		err = p.dec.Skip()
	}
	if err != nil {
		return p.syntaxError(name, err)
	}
	return nil
}

// escapeBareAmpersands replaces each "&" that does not start an entity or
// character reference with "&amp;", returning data unchanged (and no
// inserts) when there is none.
func escapeBareAmpersands(data []byte) ([]byte, []int64) {
	var out []byte
	var inserts []int64
	last := 0
	for i := bytes.IndexByte(data, '&'); i >= 0; {
		if !isReference(data[i+1:]) {
			if out == nil {
				out = make([]byte, 0, len(data)+16)
			}
			out = append(out, data[last:i+1]...)
			out = append(out, "amp;"...)
			inserts = append(inserts, int64(i+1))
			last = i + 1
		}
		j := bytes.IndexByte(data[i+1:], '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if out == nil {
		return data, nil
	}
	return append(out, data[last:]...), inserts
}

// isReference reports whether b (what follows an "&") is a reference:
// a name or "#digits" or "#xhex", then ";".
func isReference(b []byte) bool {
	end := bytes.IndexByte(b, ';')
	if end <= 0 || end > 32 {
		return false
	}
	ref := b[:end]
	if ref[0] == '#' {
		digits, hex := ref[1:], false
		if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
			digits, hex = digits[1:], true
		}
		if len(digits) == 0 {
			return false
		}
		for _, c := range digits {
			if !isDigit(c, hex) {
				return false
			}
		}
		return true
	}
	for i, c := range ref {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

func isDigit(c byte, hex bool) bool {
	return c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
}

// charsetReader lets messages declared as ISO-8859-1 or US-ASCII through,
// converting Latin-1 bytes to UTF-8; other encodings are refused.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "us-ascii", "ascii", "utf8":
		return in, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		var s strings.Builder
		for _, c := range b {
			s.WriteRune(rune(c))
		}
		return strings.NewReader(s.String()), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (want UTF-8 or ISO-8859-1)", label)
}
