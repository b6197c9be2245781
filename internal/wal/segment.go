package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// headerBytes is the frame header: length, then CRC-32C.
const headerBytes = 8

const segmentExt = ".wal"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by errors that report damaged log data.
var ErrCorrupt = errors.New("corrupt record")

// segment is one file of the log.
type segment struct {
	first uint64 // sequence number of its first record
	path  string
	size  int64 // bytes; kept current for all but the active segment
}

func segmentName(first uint64) string { return fmt.Sprintf("%020d%s", first, segmentExt) }

// parseSegmentName returns the first sequence number a segment file name
// carries, or false if name is not a segment.
func parseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, segmentExt)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil && n > 0
}

// appendFrame appends rec framed with its length and checksum.
func appendFrame(b, rec []byte) []byte {
	var h [headerBytes]byte
	binary.LittleEndian.PutUint32(h[:4], uint32(len(rec)))
	binary.LittleEndian.PutUint32(h[4:], frameCRC(h[:4], rec))
	return append(append(b, h[:]...), rec...)
}

// frameCRC covers the length as well as the payload, so that a damaged
// length is caught rather than trusted.
func frameCRC(length, rec []byte) uint32 {
	return crc32.Update(crc32.Checksum(length, castagnoli), castagnoli, rec)
}

// segReader reads frames from one segment file through its own buffer,
// with ReadAt, so that a file still being appended to can be followed:
// bytes past the current end are simply not there yet.
type segReader struct {
	f    *os.File
	name string // file name, for errors
	buf  []byte
	off  int64 // file offset of buf[0]
	r, w int   // unread bytes are buf[r:w]
}

func openSegReader(path string, buf []byte) (*segReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &segReader{f: f, name: filepath.Base(path), buf: buf[:cap(buf)]}, nil
}

func (s *segReader) close() error { return s.f.Close() }

// pos is the file offset of the next unread byte.
func (s *segReader) pos() int64 { return s.off + int64(s.r) }

// errShort means the file ends inside a frame (or exactly at its start,
// when no bytes of it are there).
var errShort = errors.New("file ends inside a record")

// fill makes at least n unread bytes available, or returns errShort.
func (s *segReader) fill(n int) error {
	if s.w-s.r >= n {
		return nil
	}
	if s.r > 0 { // slide unread bytes to the front
		s.off += int64(s.r)
		s.w = copy(s.buf, s.buf[s.r:s.w])
		s.r = 0
	}
	if len(s.buf) < n {
		nb := make([]byte, max(n, 2*len(s.buf), 64<<10))
		copy(nb, s.buf[:s.w])
		s.buf = nb
	}
	for s.w < n {
		m, err := s.f.ReadAt(s.buf[s.w:], s.off+int64(s.w))
		s.w += m
		if s.w >= n {
			return nil
		}
		if errors.Is(err, io.EOF) || (err == nil && m == 0) {
			return errShort
		}
		if err != nil {
			return fmt.Errorf("read %s at offset %d: %w", s.name, s.off+int64(s.w), err)
		}
	}
	return nil
}

// next returns the next record, valid until the following call. It
// returns io.EOF at a clean end of file, errShort when the file ends inside
// a frame, and an error wrapping ErrCorrupt for a frame that fails its
// checks (the reader is then left at that frame).
func (s *segReader) next() ([]byte, error) {
	if err := s.fill(headerBytes); err != nil {
		if err == errShort && s.w == s.r {
			return nil, io.EOF
		}
		return nil, err
	}
	h := s.buf[s.r : s.r+headerBytes]
	n := binary.LittleEndian.Uint32(h[:4])
	if n > MaxRecordBytes {
		return nil, s.corrupt(fmt.Sprintf("length %d exceeds the limit %d", n, MaxRecordBytes))
	}
	if err := s.fill(headerBytes + int(n)); err != nil {
		return nil, err
	}
	h = s.buf[s.r : s.r+headerBytes]
	rec := s.buf[s.r+headerBytes : s.r+headerBytes+int(n)]
	if want, got := binary.LittleEndian.Uint32(h[4:]), frameCRC(h[:4], rec); want != got {
		return nil, s.corrupt(fmt.Sprintf("checksum %08x, want %08x", got, want))
	}
	s.r += headerBytes + int(n)
	return rec, nil
}

func (s *segReader) corrupt(what string) error {
	return &CorruptError{File: s.name, Offset: s.pos(), Reason: what}
}

// CorruptError reports a damaged record: the segment file, the byte offset
// of the record's frame, and what is wrong. It wraps ErrCorrupt.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("wal: %s at offset %d: %s: %v", e.File, e.Offset, e.Reason, ErrCorrupt)
}

// Unwrap returns ErrCorrupt.
func (e *CorruptError) Unwrap() error { return ErrCorrupt }
