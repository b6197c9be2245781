package people

import (
	"errors"
	"fmt"
)

// ImportError says why an import was refused: the file, the line (1 is
// the first; 0 when the fault is not on one line), the column or field
// when known, and the reason. Nothing of a refused file is imported.
type ImportError struct {
	File   string
	Line   int
	Field  string
	Reason string
}

func (e *ImportError) Error() string {
	s := e.File
	if e.Line > 0 {
		s = fmt.Sprintf("%s:%d", s, e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Reason
}

// importErr builds an *ImportError whose reason is err's text.
func importErr(file string, line int, field string, err error) *ImportError {
	var ie *ImportError
	if errors.As(err, &ie) {
		return ie
	}
	return &ImportError{File: file, Line: line, Field: field, Reason: err.Error()}
}
