package hl7

import (
	"fmt"
	"strings"
)

// bom is the UTF-8 byte-order mark some senders put before MSH.
const bom = "\xef\xbb\xbf"

// Parse parses one HL7 v2 message. Segments may end in \r (the standard),
// \n or \r\n; blank lines and a leading byte-order mark are skipped. The
// message must start with MSH, declare valid encoding characters and carry
// a message type (MSH-9). Errors are *ParseError naming the line, segment
// and byte offset. Parse copies data, so the caller may reuse it.
func Parse(data []byte) (*Message, error) {
	m := &Message{raw: string(data)}
	s := m.raw
	start := skipBlank(s, 0)
	if err := m.readDelimiters(s, start); err != nil {
		return nil, err
	}
	m.segments = make([]Segment, 0, countLines(s))
	fields := make([]string, 0, strings.Count(s, string(m.delims.Field))+2*cap(m.segments)+2)
	line := 0
	for pos := start; pos < len(s); {
		end, next := lineEnd(s, pos)
		line++
		if text := s[pos:end]; strings.TrimSpace(text) != "" {
			seg, err := m.splitSegment(text, pos, line, &fields)
			if err != nil {
				return nil, err
			}
			m.segments = append(m.segments, seg)
		}
		pos = next
	}
	for i := range m.segments {
		m.segments[i].delims = &m.delims
	}
	return m, m.checkHeader()
}

// readDelimiters checks that the message starts with MSH at start and reads
// its encoding characters.
func (m *Message) readDelimiters(s string, start int) error {
	if !strings.HasPrefix(s[start:], "MSH") {
		return &ParseError{Line: 1, Offset: start, Msg: fmt.Sprintf("no MSH segment: message starts with %q", prefix(s[start:], 12))}
	}
	if len(s) < start+4 || isLineBreak(s[start+3]) {
		return &ParseError{Line: 1, Segment: "MSH", Offset: start + 3, Msg: "truncated: no field separator after MSH"}
	}
	field := s[start+3]
	encStart := start + 4
	end, _ := lineEnd(s, encStart)
	enc := s[encStart:end]
	if i := strings.IndexByte(enc, field); i >= 0 {
		enc = enc[:i]
	}
	d, err := parseDelimiters(field, enc)
	if err != nil {
		return &ParseError{Line: 1, Segment: "MSH", Offset: encStart, Msg: err.Error()}
	}
	m.delims = d
	return nil
}

// splitSegment splits one line into its fields, appending them to the
// shared fields buffer so that a whole message costs one allocation for
// its fields.
func (m *Message) splitSegment(text string, off, line int, fields *[]string) (Segment, error) {
	seg := Segment{Line: line, Offset: off}
	name := text
	if i := strings.IndexByte(text, m.delims.Field); i >= 0 {
		name = text[:i]
	}
	name = strings.TrimRight(name, " \t")
	if !validSegmentName(name) {
		return seg, &ParseError{Line: line, Offset: off, Msg: fmt.Sprintf("bad segment name %q (want three upper-case letters or digits)", prefix(name, 12))}
	}
	seg.Name = name
	if name == "MSH" && len(m.segments) > 0 {
		return seg, &ParseError{Line: line, Segment: name, Offset: off, Msg: "second MSH segment in one message (use Split for several messages)"}
	}
	first := len(*fields)
	*fields = append(*fields, name)
	rest := text[len(name):]
	if name == "MSH" {
		encLen := len(rest) - 1
		if i := strings.IndexByte(rest[1:], m.delims.Field); i >= 0 {
			encLen = i
		}
		*fields = append(*fields, rest[:1], rest[1:1+encLen])
		rest = rest[1+encLen:]
	}
	for len(rest) > 0 {
		rest = rest[1:] // the field separator
		i := strings.IndexByte(rest, m.delims.Field)
		if i < 0 {
			*fields = append(*fields, rest)
			break
		}
		*fields = append(*fields, rest[:i])
		rest = rest[i:]
	}
	seg.fields = (*fields)[first:len(*fields):len(*fields)]
	return seg, nil
}

// checkHeader rejects a message whose MSH stops before MSH-9: without a
// message type it cannot be routed or acknowledged properly.
func (m *Message) checkHeader() error {
	msh := &m.segments[0]
	if code, _, _ := m.Type(); code == "" {
		return &ParseError{Line: msh.Line, Segment: "MSH", Offset: msh.Offset, Msg: fmt.Sprintf("truncated or incomplete: no message type in MSH-9 (MSH has %d fields)", msh.NumFields())}
	}
	return nil
}

func validSegmentName(name string) bool {
	if len(name) != 3 || name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	for i := 1; i < 3; i++ {
		if c := name[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// lineEnd returns the end of the line starting at pos and the start of the
// next one; \r, \n and \r\n each end a line.
func lineEnd(s string, pos int) (end, next int) {
	i := strings.IndexAny(s[pos:], "\r\n")
	if i < 0 {
		return len(s), len(s)
	}
	end = pos + i
	if s[end] == '\r' && end+1 < len(s) && s[end+1] == '\n' {
		return end, end + 2
	}
	return end, end + 1
}

// skipBlank skips a byte-order mark and blank lines or spaces before MSH.
func skipBlank(s string, pos int) int {
	if strings.HasPrefix(s[pos:], bom) {
		pos += len(bom)
	}
	for pos < len(s) && (isLineBreak(s[pos]) || s[pos] == ' ' || s[pos] == '\t') {
		pos++
	}
	return pos
}

func isLineBreak(c byte) bool { return c == '\r' || c == '\n' }

func countLines(s string) int {
	return strings.Count(s, "\r") + strings.Count(s, "\n") + 1
}

// prefix returns at most n bytes of s, for quoting bad input in errors.
func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
