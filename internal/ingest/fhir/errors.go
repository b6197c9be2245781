package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Error is a problem with one AuditEvent or Bundle entry: where it is and
// what is wrong. Callers can branch on it with errors.As; the rest of the
// input is still read.
type Error struct {
	Name string // the input's name, when read through a Reader
	Line int    // 1-based NDJSON line, 0 when not read from a stream
	Path string // JSON path of the element, e.g. "entry[3].resource.agent[0]"
	Msg  string // what is wrong
	Err  error  // the underlying error, if any
}

// Error formats the problem as "name:line: path: message: cause".
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.Name != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.Name, e.Line)
	case e.Name != "":
		b.WriteString(e.Name + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// errAt makes an Error at path.
func errAt(path, format string, args ...any) *Error {
	return &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// under prefixes the path of err with prefix (an enclosing element).
func under(prefix string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return &Error{Path: prefix, Msg: "invalid", Err: err}
	}
	c := *e
	if c.Path == "" {
		c.Path = prefix
	} else {
		c.Path = prefix + "." + c.Path
	}
	return &c
}

// jsonError turns an encoding/json error into an Error naming the element
// (for type mismatches) and the byte offset.
func jsonError(err error) *Error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return &Error{Msg: "invalid JSON at byte " + strconv.FormatInt(syn.Offset, 10), Err: err}
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return &Error{Path: typ.Field, Msg: fmt.Sprintf("is a JSON %s, want %s (byte %d)", typ.Value, jsonKind(typ.Type.Kind().String()), typ.Offset)}
	}
	return &Error{Msg: "invalid JSON", Err: err}
}

// jsonKind names a Go kind as the JSON type it decodes from.
func jsonKind(kind string) string {
	switch kind {
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "bool":
		return "a boolean"
	case "string":
		return "a string"
	case "ptr":
		return "a value of another type"
	}
	return "a number"
}
