package privacy

import "fmt"

// InputError is one unusable record in an input file: a roster line, an
// ADT message, an AuditEvent or a watch-list line. It never stops the run;
// the Auditor counts it per input kind.
type InputError struct {
	Kind  string // "staff", "adt", "access", "vip" or "reviews"
	File  string
	Line  int    // 1-based line (the first line of an HL7 message), 0 if unknown
	Field string // the column, segment field or JSON path, if known
	Msg   string
}

// Error formats the problem as "file:line: field: message".
func (e *InputError) Error() string {
	s := e.File
	if e.Line > 0 {
		s = fmt.Sprintf("%s:%d", s, e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Msg
}
