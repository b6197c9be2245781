package httpin

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// errTooLarge: the decompressed body is over MaxBody.
var errTooLarge = errors.New("body too large")

// read decodes the body's lines into req, and returns the status and
// message to answer when the request cannot be taken at all.
func (h *handler) read(req *request, body io.Reader) (int, string) {
	req.lines.reset(body)
	for n := 1; ; n++ {
		line, long, err := req.lines.next(h.opts.MaxLine)
		if err == io.EOF {
			return 0, ""
		}
		if err != nil {
			return BodyStatus(err), fmt.Sprintf("body: line %d: %s", n, BodyError(err, h.opts.MaxBody))
		}
		if long {
			req.refuse(n, line, fmt.Errorf("longer than %d bytes; the first %[1]d are kept", h.opts.MaxLine))
			continue
		}
		line = trimSpace(line)
		if len(line) == 0 {
			continue
		}
		h.decode(req, n, line)
		if len(req.evs) > h.opts.BatchSize {
			return http.StatusRequestEntityTooLarge, fmt.Sprintf("more than %d events in one request (at line %d); split it into smaller requests", h.opts.BatchSize, n)
		}
	}
}

// BodyStatus is the status for a body that could not be read: 413 when it
// is too large, else 400.
func BodyStatus(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || errors.Is(err, errTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// BodyError says what went wrong reading a body: that it is over limit
// bytes, or the read error.
func BodyError(err error, limit int64) string {
	if BodyStatus(err) == http.StatusRequestEntityTooLarge {
		return fmt.Sprintf("body over %d bytes; split it into smaller requests", limit)
	}
	return err.Error()
}

// trimSpace trims ASCII white space, which is all that JSON allows between
// values.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// lineReader splits a body into lines, bounding each.
type lineReader struct {
	br  *bufio.Reader
	buf []byte // a line gathered across reads; reused
}

// reset makes the reader read r, reusing its buffers.
func (l *lineReader) reset(r io.Reader) {
	if l.br == nil {
		l.br = bufio.NewReaderSize(r, 64<<10)
		return
	}
	l.br.Reset(r)
}

// next returns the next line without its line feed; the slice is valid
// until the next call. A line over max bytes comes back cut to max with
// long set, the rest of it read and dropped. At the end it returns io.EOF.
func (l *lineReader) next(max int) (line []byte, long bool, err error) {
	b, err := l.br.ReadSlice('\n')
	if err == nil && len(b) <= max+1 {
		return b[:len(b)-1], false, nil
	}
	l.buf = l.buf[:0]
	for {
		l.buf = append(l.buf, b[:min(len(b), max+1-len(l.buf))]...)
		if err != bufio.ErrBufferFull {
			break
		}
		b, err = l.br.ReadSlice('\n')
	}
	switch {
	case err == io.EOF && len(l.buf) == 0:
		return nil, false, io.EOF
	case err != nil && err != io.EOF:
		return nil, false, err
	}
	if err == nil && len(l.buf) > 0 && l.buf[len(l.buf)-1] == '\n' {
		l.buf = l.buf[:len(l.buf)-1]
	}
	if len(l.buf) > max {
		return l.buf[:max], true, nil
	}
	return l.buf, false, nil
}

// limitReader reads from r until left bytes have been read, then fails
// with errTooLarge if more remain.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Probe one byte: a body of exactly the limit is fine.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, errTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
