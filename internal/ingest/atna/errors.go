package atna

import (
	"fmt"
	"strings"
)

// Error is a problem with an AuditMessage: the element it is in (with its
// index among siblings of the same name), the byte offset of that element
// in the input where known (-1 when not), and what is wrong.
type Error struct {
	Element string // e.g. "ActiveParticipant[1]"
	Offset  int64
	Msg     string
	Err     error
}

// Error formats the problem as "element (byte n): message: cause".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Element != "" {
		b.WriteString(e.Element)
		if e.Offset >= 0 {
			fmt.Fprintf(&b, " (byte %d)", e.Offset)
		}
		b.WriteString(": ")
	} else if e.Offset >= 0 {
		fmt.Fprintf(&b, "byte %d: ", e.Offset)
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }
