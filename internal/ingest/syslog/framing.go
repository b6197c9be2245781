package syslog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Framing errors, for callers to branch on.
var (
	// ErrOversize: a message was longer than the listener's MaxMessage;
	// its first MaxMessage bytes were kept and the rest skipped.
	ErrOversize = errors.New("message over the size limit")
	// ErrShortFrame: the stream ended inside an octet-counted frame.
	ErrShortFrame = errors.New("stream ended inside a frame")
)

// maxCountDigits bounds the MSG-LEN of an octet-counted frame: nine digits
// is far above any MaxMessage, and a longer run of digits is text.
const maxCountDigits = 9

// framer splits a TCP or TLS stream into syslog messages (RFC 6587). Each
// message is either octet-counted ("MSG-LEN SP MSG") or ends at a line
// feed (non-transparent framing), and the choice is made anew for every
// message, as some relays mix both. A message is octet-counted when it
// starts with a length without leading zero, a space and "<" (the PRI that
// every framed syslog message starts with); anything else runs to the next
// line feed, so a text line that starts with digits is not misread as a
// length that would swallow the messages after it.
type framer struct {
	br  *bufio.Reader
	max int
	buf []byte // a message gathered across reads; reused
}

func newFramer(r io.Reader, maxMessage int) *framer {
	return &framer{br: bufio.NewReaderSize(r, min(max(maxMessage, 4096), 64<<10)), max: maxMessage}
}

// next returns the next message without its framing. The slice is valid
// until the next call. A message longer than the limit comes back cut to
// the limit with an error wrapping ErrOversize, and the stream is read on
// from the end of that message; a frame cut short by the end of the stream
// comes back with an error wrapping ErrShortFrame. Both leave the framer
// ready for the next message. Any other error is the stream's, with no
// message; at the end of the stream that is io.EOF.
func (f *framer) next() ([]byte, error) {
	if err := f.skipBreaks(); err != nil {
		return nil, err
	}
	n, digits, err := f.count()
	if err != nil {
		return nil, err
	}
	if digits > 0 {
		return f.counted(n, digits)
	}
	return f.line()
}

// skipBreaks skips the line breaks between messages: senders that count
// octets often end each frame with one too.
func (f *framer) skipBreaks() error {
	for {
		b, err := f.br.Peek(1)
		if err != nil {
			return err
		}
		if b[0] != '\n' && b[0] != '\r' {
			return nil
		}
		f.br.Discard(1)
	}
}

// count reads ahead for an octet count, one byte at a time so that a short
// newline-framed message is never held back waiting for bytes that may not
// come. It returns the count and its number of digits, or zero digits when
// the message is newline-framed; it consumes nothing.
func (f *framer) count() (n, digits int, err error) {
	for i := 0; ; i++ {
		b, err := f.br.Peek(i + 1)
		if err != nil {
			if err == io.EOF {
				return 0, 0, nil // a last line without its line feed
			}
			return 0, 0, err
		}
		c := b[i]
		switch {
		case c >= '0' && c <= '9' && i < maxCountDigits && !(i == 0 && c == '0'):
			n = n*10 + int(c-'0')
		case c == ' ' && i > 0:
			b, err := f.br.Peek(i + 2)
			if err != nil && err != io.EOF {
				return 0, 0, err
			}
			if len(b) == i+2 && b[i+1] == '<' {
				return n, i, nil
			}
			return 0, 0, nil
		default:
			return 0, 0, nil
		}
	}
}

// counted reads an octet-counted message of n bytes after its count.
func (f *framer) counted(n, digits int) ([]byte, error) {
	f.br.Discard(digits + 1)
	keep := min(n, f.max)
	if n == keep && n <= f.br.Size() {
		b, err := f.br.Peek(n) // no copy: valid until the next read
		f.br.Discard(len(b))
		if err != nil {
			return b, f.short(len(b), n, err)
		}
		return b, nil
	}
	f.buf = growTo(f.buf, keep)
	got, err := io.ReadFull(f.br, f.buf)
	if err != nil {
		return f.buf[:got], f.short(got, n, err)
	}
	if n > keep {
		skipped, err := f.br.Discard(n - keep)
		if err != nil {
			return f.buf, f.short(keep+skipped, n, err)
		}
		return f.buf, fmt.Errorf("%w: %d-byte frame over the %d-byte limit; kept the first %d bytes", ErrOversize, n, f.max, keep)
	}
	return f.buf, nil
}

// short reports a frame that the stream ended inside; a read error other
// than the end is the stream's own.
func (f *framer) short(got, want int, err error) error {
	if err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	return fmt.Errorf("%w: %d of %d bytes", ErrShortFrame, got, want)
}

// line reads a message up to the next line feed, or to the end of the
// stream. A carriage return before the line feed is dropped. The rest of a
// line over the limit is read and dropped.
func (f *framer) line() ([]byte, error) {
	b, err := f.br.ReadSlice('\n')
	if err == nil { // the common case: the whole line is buffered, no copy
		return f.limit(trimEOL(b))
	}
	f.buf = f.buf[:0]
	for {
		room := f.max + 2 - len(f.buf) // +2: a "\r\n" after max bytes
		f.buf = append(f.buf, b[:max(0, min(len(b), room))]...)
		if err != bufio.ErrBufferFull {
			break
		}
		b, err = f.br.ReadSlice('\n')
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	return f.limit(trimEOL(f.buf))
}

// limit cuts a line over the limit.
func (f *framer) limit(msg []byte) ([]byte, error) {
	if len(msg) <= f.max {
		return msg, nil
	}
	return msg[:f.max], fmt.Errorf("%w: line over the %d-byte limit; kept the first %d bytes", ErrOversize, f.max, f.max)
}

// growTo returns b resized to n bytes, reusing its storage when it fits.
func growTo(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}
