package winjson

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/vigilhealth/vigil/internal/event"
)

// MaxProblems is how many problems a Reader keeps in Stats; Skipped counts
// them all.
const MaxProblems = 100

// maxObject bounds one event object, so that a file that never closes its
// first brace cannot make the Reader hold all of it.
var maxObject = 16 << 20 // a variable so that tests can lower it

// readSize is the least a Reader asks its source for at once.
const readSize = 64 << 10

// Stats counts what a Reader read and skipped.
type Stats struct {
	Records  int64   // events returned
	Skipped  int64   // malformed objects or lines skipped
	Problems []error // the first MaxProblems problems, each a *Problem
}

// Problem is a malformed part of an input that was skipped.
type Problem struct {
	File string
	Line int // 1-based line where the problem was found
	Err  error
}

// Error renders the problem as "file:line: what".
func (p *Problem) Error() string { return fmt.Sprintf("%s:%d: %v", p.File, p.Line, p.Err) }

// Unwrap returns what was wrong, for errors.Is and errors.As.
func (p *Problem) Unwrap() error { return p.Err }

// Reader reads events from a stream of JSON objects: one per line (NDJSON),
// the elements of a top-level array, or pretty-printed objects one after
// another, in any mix. A malformed object is skipped and recorded as a
// Problem; reading goes on with the next line that starts an object at the
// same or a lesser indentation.
type Reader struct {
	src     io.Reader
	name    string
	buf     []byte
	off     int // start of unread data in buf
	line    int // line of buf[off], from 1
	col     int // bytes between the start of that line and buf[off]
	eof     bool
	err     error // read error other than io.EOF
	started bool  // a byte-order mark has been looked for
	dec     *decoder
	stats   Stats
}

// NewReader returns a Reader of r; name (the file name, usually) is the
// events' Source and is named in problems.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{src: r, name: name, line: 1, dec: newDecoder()}
}

// Stats returns the counts so far.
func (r *Reader) Stats() Stats {
	st := r.stats
	st.Problems = slices.Clone(st.Problems)
	return st
}

// Next reads the next event into ev, resetting it first. It returns io.EOF
// at the end of the input and another error only when reading the source
// fails; malformed input is skipped and shows in Stats. ev.Source is the
// Reader's name and ev.Record the EventRecordID, or the line where the
// object starts when there is none. ev's strings do not alias the Reader's
// buffers.
func (r *Reader) Next(ev *event.Event) error {
	ev.Reset()
	if !r.started {
		r.started = true
		r.want(3)
		if bytes.HasPrefix(r.buf[r.off:], []byte("\xef\xbb\xbf")) {
			r.off += 3
		}
	}
	for {
		c, ok := r.skipSpace()
		if !ok {
			return r.end()
		}
		switch c {
		case '[', ',', ']':
			// Array punctuation between events: arrays are read element
			// by element, so their brackets and commas carry nothing.
			r.off++
			r.col++
		case '{':
			if r.object(ev) {
				return nil
			}
			if r.err != nil {
				return r.end()
			}
		default:
			r.problem(r.line, fmt.Errorf("unexpected %s where an event object should start", quoteByte(c)))
			r.skipLine()
		}
	}
}

// object decodes the object at r.off into ev. It reports false when the
// object was malformed and has been skipped.
func (r *Reader) object(ev *event.Event) bool {
	startLine, indent := r.line, r.col
	for {
		data := r.buf[r.off:]
		n, err := r.dec.decode(data, ev, true)
		if err == nil && n > maxObject {
			ev.Reset()
			err = &SyntaxError{Offset: n, Msg: "object too large"}
		}
		if err == nil {
			r.consume(n)
			r.stats.Records++
			ev.Source = r.name
			if !r.dec.recSeen {
				ev.Record = uint64(startLine)
			}
			return true
		}
		se := err.(*SyntaxError)
		if se.truncated && !r.eof && r.err == nil && len(data) <= maxObject {
			r.want(len(data)) // double what we hold, so retries stay few
			continue
		}
		line := startLine + bytes.Count(data[:min(se.Offset, len(data))], []byte{'\n'})
		if len(data) > maxObject || n > maxObject {
			err = fmt.Errorf("object starting at line %d is larger than %d bytes", startLine, maxObject)
		} else {
			err = fmt.Errorf("malformed JSON in the object starting at line %d: %w", startLine, err)
		}
		r.problem(line, err)
		r.resync(indent)
		return false
	}
}

// problem records a skipped part of the input.
func (r *Reader) problem(line int, err error) {
	r.stats.Skipped++
	if len(r.stats.Problems) < MaxProblems {
		r.stats.Problems = append(r.stats.Problems, &Problem{File: r.name, Line: line, Err: err})
	}
}

// end is what Next returns once nothing more can be read.
func (r *Reader) end() error {
	if r.err != nil {
		return fmt.Errorf("read %s: %w", r.name, r.err)
	}
	return io.EOF
}

// consume advances past n bytes, keeping the line and column.
func (r *Reader) consume(n int) {
	b := r.buf[r.off : r.off+n]
	if nl := bytes.Count(b, []byte{'\n'}); nl > 0 {
		r.line += nl
		r.col = n - 1 - bytes.LastIndexByte(b, '\n')
	} else {
		r.col += n
	}
	r.off += n
}

// skipSpace skips whitespace and returns the next byte.
func (r *Reader) skipSpace() (byte, bool) {
	for {
		for r.off < len(r.buf) {
			switch c := r.buf[r.off]; c {
			case '\n':
				r.line++
				r.col = 0
			case ' ', '\t', '\r':
				r.col++
			default:
				return c, true
			}
			r.off++
		}
		if !r.fill(readSize) {
			return 0, false
		}
	}
}

// skipLine skips the rest of the current line and its line break.
func (r *Reader) skipLine() {
	for {
		if i := bytes.IndexByte(r.buf[r.off:], '\n'); i >= 0 {
			r.off += i + 1
			r.line++
			r.col = 0
			return
		}
		r.off = len(r.buf)
		if !r.fill(readSize) {
			return
		}
	}
}

// resync skips from a malformed object to the next line whose first
// non-blank byte opens an object at no deeper an indentation than the
// malformed one had: the next line of NDJSON, the next top-level object of
// pretty-printed JSON, or the next element of an indented array.
func (r *Reader) resync(indent int) {
	for {
		r.skipLine()
		for {
			if r.off == len(r.buf) && !r.fill(readSize) {
				return
			}
			c := r.buf[r.off]
			if c != ' ' && c != '\t' && c != '\r' {
				break
			}
			r.off++
			r.col++
		}
		if r.buf[r.off] == '{' && r.col <= indent {
			return
		}
	}
}

// want reads until at least n more bytes than now are held, or the input
// ends.
func (r *Reader) want(n int) {
	have := len(r.buf) - r.off
	for len(r.buf)-r.off < have+n && r.fill(n) {
	}
}

// fill reads at least once from the source, making room for n bytes or
// readSize, whichever is more. It reports false when nothing more can come.
func (r *Reader) fill(n int) bool {
	if r.eof || r.err != nil {
		return false
	}
	if r.off > 0 {
		k := copy(r.buf, r.buf[r.off:])
		r.buf = r.buf[:k]
		r.off = 0
	}
	n = max(n, readSize)
	if cap(r.buf)-len(r.buf) < n {
		r.buf = slices.Grow(r.buf, n)
	}
	for range 100 { // a source may return (0, nil); give it a few tries
		k, err := r.src.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+k]
		if err == io.EOF {
			r.eof = true
		} else if err != nil {
			r.err = err
		}
		if k > 0 || r.eof || r.err != nil {
			return k > 0
		}
	}
	r.err = io.ErrNoProgress
	return false
}

func quoteByte(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return fmt.Sprintf("%q", c)
}
