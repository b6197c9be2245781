package sigma

import "fmt"

// RuleError is what is wrong with one rule document: Where is the path of
// the offending YAML node inside the document (e.g. "detection.selection"),
// Line its 1-based line in the file (0 when unknown), Msg the reason.
// Refusals carry a *RuleError as their Err whenever the problem is in the
// rule itself rather than in reading the file.
type RuleError struct {
	Where string
	Line  int
	Msg   string
}

func (e *RuleError) Error() string {
	if e.Where == "" {
		return e.Msg
	}
	return e.Where + ": " + e.Msg
}

// errorf builds a RuleError for the node at where, on line.
func errorf(line int, where, format string, args ...any) *RuleError {
	return &RuleError{Where: where, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// refusal turns err into a Refusal for path, taking the line from a
// RuleError when there is one and otherwise from fallback.
func refusal(path string, fallback int, err error) Refusal {
	line := fallback
	if re, ok := err.(*RuleError); ok && re.Line > 0 {
		line = re.Line
	}
	return Refusal{Path: path, Line: line, Err: err}
}

// joinPath appends a key to a YAML path for error messages.
func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}
