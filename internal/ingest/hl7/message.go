package hl7

import "strings"

// Message is one parsed HL7 v2 message: its delimiters and its segments, in
// order, Z-segments included. Fields stay encoded until read; reading
// splits and unescapes them. A Message holds its own copy of the data and
// is safe for concurrent reads.
type Message struct {
	raw      string
	delims   Delimiters
	segments []Segment
}

// Raw returns the message exactly as given to Parse.
func (m *Message) Raw() string { return m.raw }

// Delimiters returns the encoding characters declared in MSH-1 and MSH-2.
func (m *Message) Delimiters() Delimiters { return m.delims }

// All returns every segment in order.
func (m *Message) All() []*Segment {
	out := make([]*Segment, len(m.segments))
	for i := range m.segments {
		out[i] = &m.segments[i]
	}
	return out
}

// Segments returns the segments named name (e.g. "NK1"), in order.
func (m *Message) Segments(name string) []*Segment {
	var out []*Segment
	for i := range m.segments {
		if m.segments[i].Name == name {
			out = append(out, &m.segments[i])
		}
	}
	return out
}

// Segment returns the n-th (1-based) segment named name, or nil.
func (m *Message) Segment(name string, n int) *Segment {
	for i := range m.segments {
		if m.segments[i].Name == name {
			if n <= 1 {
				return &m.segments[i]
			}
			n--
		}
	}
	return nil
}

// Get returns the first value at a terser-style path, decoded, or "" when
// the path is absent or malformed. See ParsePath for the syntax.
func (m *Message) Get(path string) string {
	p, err := ParsePath(path)
	if err != nil {
		return ""
	}
	s := m.Segment(p.Segment, p.SegmentRep)
	if s == nil {
		return ""
	}
	return s.Value(p.Field, p.Repetition, p.Component, p.Subcomponent)
}

// Type returns the message code, trigger event and message structure from
// MSH-9 (e.g. "ADT", "A01", "ADT_A01"); the structure is "" when the sender
// omits it, as v2.3 senders do.
func (m *Message) Type() (code, trigger, structure string) {
	msh := &m.segments[0]
	return strings.TrimSpace(msh.Value(9, 1, 1, 1)), strings.TrimSpace(msh.Value(9, 1, 2, 1)), strings.TrimSpace(msh.Value(9, 1, 3, 1))
}

// ControlID returns MSH-10, the sender's message control id.
func (m *Message) ControlID() string { return m.segments[0].Value(10, 1, 1, 1) }

// Version returns MSH-12, the HL7 version id (e.g. "2.4").
func (m *Message) Version() string { return m.segments[0].Value(12, 1, 1, 1) }
