package eventstore

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

// Segment files.
const (
	segmentMagic = "VGEVSEG1"
	segmentExt   = ".seg"
	indexExt     = ".idx"
	frameHeader  = 16 // length, CRC-32C, sequence number
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CorruptError reports damaged store data, naming the file and the byte
// offset where it is damaged.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("eventstore: %s at byte offset %d: %s", e.File, e.Offset, e.Reason)
}

func segmentName(base uint64) string { return fmt.Sprintf("%020d%s", base, segmentExt) }

// parseSegmentName returns the base a segment file name carries.
func parseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, segmentExt)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil && n > 0
}

func indexPath(segPath string) string { return strings.TrimSuffix(segPath, segmentExt) + indexExt }

// appendFrame appends one record's frame to b. The header is written in
// place: a header array of its own would escape to the heap through the
// checksum's assembly, one allocation per record.
func appendFrame(b []byte, seq uint64, data []byte) []byte {
	start := len(b)
	b = append(b, make([]byte, frameHeader)...)
	h := b[start:]
	binary.LittleEndian.PutUint32(h[0:4], uint32(len(data)))
	binary.LittleEndian.PutUint64(h[8:16], seq)
	crc := crc32.Update(crc32.Checksum(h[0:4], castagnoli), castagnoli, h[8:16])
	binary.LittleEndian.PutUint32(h[4:8], crc32.Update(crc, castagnoli, data))
	return append(b, data...)
}

// errTorn is what a scanner returns where the frames stop being whole at
// the end of the file: the file ends inside a frame, or its last frame's
// checksum fails.
var errTorn = errors.New("torn frame")

// scanner reads the frames of one segment file in order through a buffer.
// It reads with ReadAt up to a limit, so that a file another process is
// appending to can be read: what lies past the limit is not looked at.
type scanner struct {
	f     io.ReaderAt
	name  string // file name, for errors
	limit int64  // bytes of the file to read
	buf   []byte
	off   int64 // file offset of buf[r]
	r, w  int
	eof   bool
}

const scanBuffer = 1 << 20

func newScanner(f io.ReaderAt, name string, limit int64, buf []byte) *scanner {
	if cap(buf) < scanBuffer {
		buf = make([]byte, scanBuffer)
	}
	return &scanner{f: f, name: name, limit: limit, buf: buf[:cap(buf)], off: int64(len(segmentMagic))}
}

// checkMagic reads and checks the file's magic.
func (s *scanner) checkMagic() error {
	var m [len(segmentMagic)]byte
	n, err := s.f.ReadAt(m[:], 0)
	if n < len(m) || s.limit < int64(len(m)) {
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("eventstore: read %s: %w", s.name, err)
		}
		return errTorn
	}
	if string(m[:]) != segmentMagic {
		return &CorruptError{File: s.name, Offset: 0, Reason: fmt.Sprintf("not an event segment (magic %q)", m[:])}
	}
	return nil
}

// next returns the next frame's sequence number, data (valid until the
// next call) and offset. It returns io.EOF at a clean end, errTorn where
// a frame is incomplete or its checksum fails at the end of the data,
// and a *CorruptError for a damaged frame that whole frames follow.
func (s *scanner) next() (seq uint64, data []byte, off int64, err error) {
	if err := s.fill(frameHeader); err != nil {
		return 0, nil, s.off, err
	}
	h := s.buf[s.r : s.r+frameHeader]
	n := int(binary.LittleEndian.Uint32(h[0:4]))
	if n > MaxRecordBytes {
		return 0, nil, s.off, s.damaged(fmt.Sprintf("record length %d exceeds %d", n, MaxRecordBytes))
	}
	if err := s.fill(frameHeader + n); err != nil {
		return 0, nil, s.off, err
	}
	h = s.buf[s.r : s.r+frameHeader]
	data = s.buf[s.r+frameHeader : s.r+frameHeader+n]
	crc := crc32.Update(crc32.Checksum(h[0:4], castagnoli), castagnoli, h[8:16])
	if crc32.Update(crc, castagnoli, data) != binary.LittleEndian.Uint32(h[4:8]) {
		return 0, nil, s.off, s.damaged("checksum mismatch")
	}
	seq, off = binary.LittleEndian.Uint64(h[8:16]), s.off
	s.r += frameHeader + n
	s.off += int64(frameHeader + n)
	return seq, data, off, nil
}

// damaged is a bad frame: a torn one when it is the last thing in the
// file (a write cut short), corruption when more follows.
func (s *scanner) damaged(reason string) error {
	if s.off+int64(frameHeader) >= s.limit || s.lastFrameMayBeTorn() {
		return errTorn
	}
	return &CorruptError{File: s.name, Offset: s.off, Reason: reason}
}

// lastFrameMayBeTorn reports whether the bad frame at s.off runs to the
// end of the file by its own length: a single write cut short.
func (s *scanner) lastFrameMayBeTorn() bool {
	n := int64(binary.LittleEndian.Uint32(s.buf[s.r : s.r+4]))
	return n <= MaxRecordBytes && s.off+frameHeader+n >= s.limit
}

// fill makes n bytes available at s.r, or returns io.EOF when the data
// ends cleanly before them and errTorn when it ends part-way.
func (s *scanner) fill(n int) error {
	for s.w-s.r < n {
		if s.eof {
			if s.w == s.r {
				return io.EOF
			}
			return errTorn
		}
		if s.r > 0 {
			copy(s.buf, s.buf[s.r:s.w])
			s.w -= s.r
			s.r = 0
		}
		if n > len(s.buf) {
			s.buf = append(s.buf[:s.w], make([]byte, n-s.w)...)
		}
		fileOff := s.off + int64(s.w)
		want := min(int64(len(s.buf)-s.w), s.limit-fileOff)
		if want <= 0 {
			s.eof = true
			continue
		}
		k, err := s.f.ReadAt(s.buf[s.w:s.w+int(want)], fileOff)
		s.w += k
		if errors.Is(err, io.EOF) || (err == nil && k == 0) {
			s.eof = true
		} else if err != nil {
			return fmt.Errorf("eventstore: read %s at byte offset %d: %w", s.name, fileOff, err)
		}
	}
	return nil
}

// scanFile calls fn for each whole frame of the segment at path, up to
// limit bytes (limit < 0: the whole file), and returns the offset where
// whole frames end. In a sealed segment a damaged frame is a
// *CorruptError; in the last one, still being written, whole frames
// simply end there (a crash cut the write short, or a power loss left
// garbage after the last fsync), and the offset says where.
func scanFile(path string, limit int64, sealed bool, fn func(seq uint64, data []byte, off int64) error) (int64, error) {
	return scanFrom(path, 0, limit, sealed, fn)
}

// scanFrom is scanFile from byte offset start, which must be 0 or the end
// of a whole frame that an earlier scan returned.
func scanFrom(path string, start, limit int64, sealed bool, fn func(seq uint64, data []byte, off int64) error) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if limit < 0 {
		fi, err := f.Stat()
		if err != nil {
			return 0, fmt.Errorf("eventstore: %w", err)
		}
		limit = fi.Size()
	}
	s := newScanner(f, filepath.Base(path), limit, nil)
	if start > s.off {
		s.off = start
		return s.frames(sealed, fn)
	}
	return s.each(sealed, fn)
}

// each runs fn over the scanner's frames (see scanFile).
func (s *scanner) each(sealed bool, fn func(seq uint64, data []byte, off int64) error) (int64, error) {
	if err := s.checkMagic(); err != nil {
		if !sealed && (errors.Is(err, errTorn) || errors.As(err, new(*CorruptError))) {
			return 0, nil // nothing whole: the writer starts the file again
		}
		if errors.Is(err, errTorn) {
			return 0, &CorruptError{File: s.name, Offset: 0, Reason: "shorter than its magic"}
		}
		return 0, err
	}
	return s.frames(sealed, fn)
}

// frames is each after the magic.
func (s *scanner) frames(sealed bool, fn func(seq uint64, data []byte, off int64) error) (int64, error) {
	for {
		seq, data, off, err := s.next()
		switch {
		case errors.Is(err, io.EOF):
			return s.off, nil
		case !sealed && (errors.Is(err, errTorn) || errors.As(err, new(*CorruptError))):
			return s.off, nil // the end of what was written whole
		case errors.Is(err, errTorn):
			return s.off, &CorruptError{File: s.name, Offset: s.off, Reason: "incomplete record at the end of a sealed segment"}
		case err != nil:
			return s.off, err
		}
		if err := fn(seq, data, off); err != nil {
			return s.off, err
		}
	}
}
