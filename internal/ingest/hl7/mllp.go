package hl7

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// MLLP framing bytes: a message travels as VT message FS CR.
const (
	startBlock = 0x0b
	endBlock   = 0x1c
	carriage   = 0x0d
)

// FrameError reports bad MLLP framing or an oversize message at a byte
// offset of the stream. The reader has already skipped to the next start
// block, so the caller may log it and call Next again.
type FrameError struct {
	Offset int64
	Msg    string
	// Oversize is set when a whole frame was skipped for being over the
	// size limit: its sender is waiting for an answer (a listener rejects
	// it), unlike bytes outside any frame.
	Oversize bool
}

// Error names the byte offset.
func (e *FrameError) Error() string {
	return fmt.Sprintf("mllp: at byte %d: %s", e.Offset, e.Msg)
}

// MLLPReader reads MLLP-framed messages from a stream.
type MLLPReader struct {
	r       *bufio.Reader
	maxSize int
	off     int64 // offset of the next byte to read
	buf     []byte
}

// NewMLLPReader returns a reader of messages of at most maxSize bytes
// (maxSize <= 0 means 1 MiB).
func NewMLLPReader(r io.Reader, maxSize int) *MLLPReader {
	if maxSize <= 0 {
		maxSize = 1 << 20
	}
	return &MLLPReader{r: bufio.NewReader(r), maxSize: maxSize}
}

// Next returns the next message without its framing. The slice is owned by
// the reader and valid until the next call (Parse copies it). At the end of
// the stream it returns io.EOF; a frame cut off by the end of the stream
// gives a *FrameError wrapping io.ErrUnexpectedEOF. Bytes outside frames,
// a start block inside a frame, and oversize messages give a *FrameError
// naming the byte offset; the reader resynchronises on the next start
// block, so calling Next again continues with the next message. Line
// breaks between frames are ignored, and an end block not followed by CR
// is accepted.
func (r *MLLPReader) Next() ([]byte, error) {
	if err := r.findStart(); err != nil {
		return nil, err
	}
	start := r.off - 1
	r.buf = r.buf[:0]
	for {
		c, err := r.readByte()
		switch {
		case errors.Is(err, io.EOF):
			return nil, &FrameError{Offset: r.off, Msg: fmt.Sprintf("stream ended inside the frame that starts at byte %d: %v", start, io.ErrUnexpectedEOF)}
		case err != nil:
			return nil, fmt.Errorf("mllp: read at byte %d: %w", r.off, err)
		case c == endBlock:
			r.skipCR()
			return r.buf, nil
		case c == startBlock:
			_ = r.r.UnreadByte()
			r.off--
			return nil, &FrameError{Offset: r.off, Msg: fmt.Sprintf("start block inside the frame that starts at byte %d (end block missing)", start)}
		case len(r.buf) >= r.maxSize:
			r.discardFrame()
			return nil, &FrameError{Offset: start, Msg: fmt.Sprintf("message larger than the %d-byte limit", r.maxSize), Oversize: true}
		}
		r.buf = append(r.buf, c)
	}
}

// findStart consumes bytes up to and including the next start block. Line
// breaks and spaces are skipped silently; anything else is reported once,
// after skipping to the start block.
func (r *MLLPReader) findStart() error {
	junk := int64(-1)
	for {
		c, err := r.readByte()
		if err != nil {
			if junk >= 0 && errors.Is(err, io.EOF) {
				return &FrameError{Offset: junk, Msg: "bytes outside any frame before the end of the stream"}
			}
			return err
		}
		switch {
		case c == startBlock && junk >= 0:
			_ = r.r.UnreadByte()
			r.off--
			return &FrameError{Offset: junk, Msg: fmt.Sprintf("%d bytes outside any frame (no start block)", r.off-junk)}
		case c == startBlock:
			return nil
		case junk < 0 && c != '\r' && c != '\n' && c != ' ' && c != '\t':
			junk = r.off - 1
		}
	}
}

// discardFrame skips the rest of an oversize frame, up to its end block or
// the next start block.
func (r *MLLPReader) discardFrame() {
	for {
		c, err := r.readByte()
		if err != nil || c == endBlock {
			r.skipCR()
			return
		}
		if c == startBlock {
			_ = r.r.UnreadByte()
			r.off--
			return
		}
	}
}

func (r *MLLPReader) skipCR() {
	c, err := r.readByte()
	if err == nil && c != carriage {
		_ = r.r.UnreadByte()
		r.off--
	}
}

func (r *MLLPReader) readByte() (byte, error) {
	c, err := r.r.ReadByte()
	if err == nil {
		r.off++
	}
	return c, err
}

// WriteMLLP writes msg framed as VT msg FS CR in one write. It refuses a
// message containing VT or FS, which would break the framing.
func WriteMLLP(w io.Writer, msg []byte) error {
	for i, c := range msg {
		if c == startBlock || c == endBlock {
			return fmt.Errorf("mllp: message byte %d is a framing character 0x%02x", i, c)
		}
	}
	frame := make([]byte, 0, len(msg)+3)
	frame = append(frame, startBlock)
	frame = append(frame, msg...)
	frame = append(frame, endBlock, carriage)
	if _, err := w.Write(frame); err != nil {
		return fmt.Errorf("mllp: write %d-byte message: %w", len(msg), err)
	}
	return nil
}
