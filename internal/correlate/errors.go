package correlate

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/vigilhealth/vigil/internal/sigma"
)

// Errors that an *Error wraps, for callers that branch on the cause.
var (
	// ErrUnknownRef: no detection rule or correlation has the referenced id or name.
	ErrUnknownRef = errors.New("no rule or correlation has this id or name")
	// ErrAmbiguousRef: more than one rule or correlation has the referenced id or name.
	ErrAmbiguousRef = errors.New("more than one rule or correlation has this id or name")
	// ErrCycle: the correlation refers to itself through a chain.
	ErrCycle = errors.New("correlations refer to each other in a cycle")
	// ErrRefused: the correlation uses a correlation that was refused.
	ErrRefused = errors.New("uses a correlation that was refused")
)

// Error says why New left a correlation out.
type Error struct {
	Correlation *sigma.Correlation
	Ref         string // the reference (rule id or name) at fault, if there is one
	Err         error
}

func (e *Error) Error() string {
	s := describe(e.Correlation)
	if p := e.Correlation.Path; p != "" {
		if e.Correlation.Line > 0 {
			p += ":" + strconv.Itoa(e.Correlation.Line)
		}
		s = p + ": " + s
	}
	if e.Ref != "" {
		s += ": rule " + strconv.Quote(e.Ref)
	}
	return s + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// describe names a correlation for messages: its title and its id or name.
func describe(c *sigma.Correlation) string {
	s := "correlation " + strconv.Quote(c.Title)
	switch {
	case c.ID != "":
		s += " (id " + c.ID + ")"
	case c.Name != "":
		s += " (name " + c.Name + ")"
	}
	return s
}

func refError(c *sigma.Correlation, ref string, err error) *Error {
	return &Error{Correlation: c, Ref: ref, Err: err}
}

func defError(c *sigma.Correlation, format string, args ...any) *Error {
	return &Error{Correlation: c, Err: fmt.Errorf(format, args...)}
}
