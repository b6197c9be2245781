package fhir

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLineSize bounds one NDJSON line, so that a stream without newlines
// cannot make the Reader buffer without limit.
const MaxLineSize = 16 << 20

// Reader reads AuditEvents from NDJSON, one resource per line. Blank lines
// are skipped. A malformed line gives an error naming the input and line
// and does not stop the stream: the next call reads the next line.
type Reader struct {
	br   *bufio.Reader
	name string
	line int
	buf  []byte
}

// NewReader reads NDJSON from r; name identifies the input in errors.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), name: name}
}

// Line is the number of the line last read.
func (r *Reader) Line() int { return r.line }

// Next returns the next AuditEvent. It returns io.EOF at the end of the
// input; an *Error for a line that is not a valid AuditEvent; and other
// errors from the underlying reader, after which the stream is done.
func (r *Reader) Next() (*Access, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if r.line == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		a, perr := ParseAuditEvent(line)
		if perr != nil {
			return nil, r.locate(perr)
		}
		return a, nil
	}
}

// readLine returns the next line without its end, counting lines. A line
// longer than MaxLineSize is skipped and reported.
func (r *Reader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	tooLong := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		if !tooLong {
			r.buf = append(r.buf, chunk...)
			tooLong = len(r.buf) > MaxLineSize
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && (len(r.buf) > 0 || tooLong):
		case errors.Is(err, io.EOF):
			return nil, io.EOF
		default:
			return nil, fmt.Errorf("read %s after line %d: %w", r.name, r.line, err)
		}
		r.line++
		if tooLong {
			return nil, &Error{Name: r.name, Line: r.line, Msg: fmt.Sprintf("line is longer than %d bytes", MaxLineSize)}
		}
		return bytes.TrimRight(r.buf, "\r\n"), nil
	}
}

// locate adds the input name and line to a parse error.
func (r *Reader) locate(err error) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Name, c.Line = r.name, r.line
		return &c
	}
	return &Error{Name: r.name, Line: r.line, Msg: "invalid", Err: err}
}
