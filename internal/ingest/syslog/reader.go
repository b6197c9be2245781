package syslog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// MaxProblems is how many problems a Reader keeps in Stats; Skipped counts
// every skipped line.
const MaxProblems = 100

// maxLine bounds a line; the rest of a longer one is dropped and reported.
// A variable so that tests can lower it.
var maxLine = 1 << 20

// Stats counts what a Reader read and skipped.
type Stats struct {
	Records  int64   // events returned
	Skipped  int64   // lines skipped: binary data
	Plain    int64   // events from lines without a syslog header (counted in Records too)
	Problems []error // the first MaxProblems problems, each a *Problem
}

// Problem is a part of an input that was skipped or only partly read.
type Problem struct {
	File string
	Line int
	Err  error
}

// Error renders the problem as "file:line: what".
func (p *Problem) Error() string { return fmt.Sprintf("%s:%d: %v", p.File, p.Line, p.Err) }

// Unwrap returns what was wrong, for errors.Is and errors.As.
func (p *Problem) Unwrap() error { return p.Err }

// Reader reads events from a stream of syslog or text lines.
type Reader struct {
	br    *bufio.Reader
	name  string
	line  int
	ref   time.Time
	stats Stats
}

// NewReader returns a Reader of r; name (the file name, usually) is the
// events' Source and is named in problems. BSD timestamps are placed
// relative to the time of the call; see SetReference.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), name: name, ref: time.Now()}
}

// SetReference sets the time that the year of BSD timestamps (which have
// none) is inferred from, and whose zone they are read in: the file's
// modification time, for a file.
func (r *Reader) SetReference(t time.Time) { r.ref = t }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats {
	st := r.stats
	st.Problems = slices.Clone(st.Problems)
	return st
}

// Next reads the next event into ev, resetting it first; blank lines are
// skipped. ev.Record is the line number and ev.Source the Reader's name.
// It returns io.EOF at the end and another error only when reading fails;
// binary lines are skipped and, like malformed payloads, recorded in
// Stats.
func (r *Reader) Next(ev *event.Event) error {
	for {
		line, err := r.readLine()
		if err != nil {
			ev.Reset()
			if err == io.EOF {
				return io.EOF
			}
			return fmt.Errorf("read %s: %w", r.name, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		perr := Parse(line, ev, r.ref)
		switch {
		case errors.Is(perr, ErrBinary):
			r.problem(perr)
			r.stats.Skipped++
			continue
		case errors.Is(perr, ErrNotSyslog):
			r.stats.Plain++
		case perr != nil:
			r.problem(perr)
		}
		ev.Record = uint64(r.line)
		ev.Source = r.name
		r.stats.Records++
		return nil
	}
}

// problem records a problem at the current line.
func (r *Reader) problem(err error) {
	if len(r.stats.Problems) < MaxProblems {
		r.stats.Problems = append(r.stats.Problems, &Problem{File: r.name, Line: r.line, Err: err})
	}
}

// readLine returns the next line, without its line break, cut at maxLine.
// The slice is valid until the next call.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(line) > 0) {
		r.line++
		if len(line) > maxLine {
			r.problem(fmt.Errorf("line longer than %d bytes; the rest is dropped", maxLine))
			line = line[:maxLine]
		}
		return line, nil
	}
	if err != bufio.ErrBufferFull {
		return nil, err
	}
	// A long line: gather it up to maxLine, drop the rest.
	r.line++
	buf := slices.Clone(line)
	for err == bufio.ErrBufferFull {
		line, err = r.br.ReadSlice('\n')
		if len(buf) < maxLine {
			buf = append(buf, line[:min(len(line), maxLine-len(buf))]...)
		}
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(buf) >= maxLine {
		r.problem(fmt.Errorf("line longer than %d bytes; the rest is dropped", maxLine))
	}
	return buf, nil
}
