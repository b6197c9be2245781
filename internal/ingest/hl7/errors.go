package hl7

import "fmt"

// ParseError reports malformed input: where (line, segment, byte offset
// from the start of the data given to Parse) and what.
type ParseError struct {
	Line    int    // 1-based segment line; 0 when not known
	Segment string // segment name, if it could be read
	Offset  int    // byte offset of the problem
	Msg     string
}

// Error names the line, segment and byte offset.
func (e *ParseError) Error() string {
	if e.Segment != "" {
		return fmt.Sprintf("hl7: line %d (%s segment) at byte %d: %s", e.Line, e.Segment, e.Offset, e.Msg)
	}
	return fmt.Sprintf("hl7: line %d at byte %d: %s", e.Line, e.Offset, e.Msg)
}
