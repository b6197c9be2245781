package evtx

import (
	"fmt"
	"strconv"
)

// Error is a problem found in an EVTX file: which file, the byte offset from
// the start of the file, and what was wrong there. Err holds an underlying
// I/O error, if there was one.
type Error struct {
	File   string
	Offset int64
	Msg    string
	Err    error
}

// Error renders the problem as "file: offset N: message".
func (e *Error) Error() string {
	s := e.File + ": offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying I/O error, if any.
func (e *Error) Unwrap() error { return e.Err }

// maxProblems bounds Stats.Problems so that a badly damaged file cannot make
// the reader hold an unbounded list.
const maxProblems = 100

// Stats counts what a Reader has read and skipped so far.
type Stats struct {
	Records        int64   // records returned by Next
	Chunks         int64   // chunks that passed validation
	SkippedChunks  int64   // chunks dropped: bad signature, checksum or truncated
	SkippedRecords int64   // records dropped: bad signature, size or BinXML
	Problems       []error // the first 100 problems, each an *Error
}

// problem records a problem at the absolute file offset off.
func (r *Reader) problem(off int64, format string, args ...any) {
	if len(r.stats.Problems) >= maxProblems {
		return
	}
	r.stats.Problems = append(r.stats.Problems, &Error{File: r.name, Offset: off, Msg: fmt.Sprintf(format, args...)})
}
