package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"sync"

	"github.com/vigilhealth/vigil/internal/event"
)

// Layout constants of the EVTX format.
const (
	fileHeaderSize   = 4096
	chunkSize        = 65536
	chunkHeaderSize  = 512
	recordHeaderSize = 24
	minRecordSize    = recordHeaderSize + 4 // header and the trailing size copy
)

var (
	fileMagic   = []byte("ElfFile\x00")
	chunkMagic  = []byte("ElfChnk\x00")
	recordMagic = []byte{0x2a, 0x2a, 0, 0}
)

// Reader reads the records of one EVTX file in file order.
//
// Ownership: Next fills an Event that the caller owns. The field values are
// ordinary immutable strings; those decoded from a record share one
// allocation per record, so keeping any one of them keeps that record's
// values alive, and nothing the Reader does later changes them. A Reader is
// not safe for concurrent use. Reading to the end (io.EOF or an error)
// returns its buffers and template caches to a pool for the next Reader.
type Reader struct {
	src    io.Reader
	name   string
	err    error // sticky: io.EOF at the end, or the I/O error that ended reading
	off    int64 // file offset of the next byte to read from src
	chunks int   // chunk count declared by a valid file header, else -1

	st       *state // buffers and caches; returned to statePool at the end
	bufOff   int64  // file offset of the chunk in st.buf
	loaded   bool   // st.buf holds a chunk read ahead by NewReader
	index    int    // index of the next chunk to read
	pos, end int    // next record in st.buf and end of the record area; pos >= end means no chunk

	stats Stats
}

// state is the memory a Reader works in: the chunk buffer and the decoder
// with its caches. It goes back to a pool when the Reader reaches the end, so
// that reading many small files (the usual case for hunting over collected
// logs) neither reallocates 64 KiB per file nor recompiles the same
// templates: compiled templates are shared across chunks and files, and are
// reused only after a byte-for-byte check of the definition.
type state struct {
	buf []byte
	dec decoder
}

var statePool = sync.Pool{New: func() any {
	s := &state{buf: make([]byte, chunkSize)}
	s.dec.init()
	return s
}}

// finish ends reading with err (io.EOF or an I/O error) and releases the
// Reader's working memory.
func (r *Reader) finish(err error) {
	r.err = err
	r.pos, r.end = 0, 0
	if r.st != nil {
		r.st.dec.resetChunk(nil)
		statePool.Put(r.st)
		r.st = nil
	}
}

// NewReader reads the file header from r and returns a Reader for the
// records that follow. name identifies the file in errors and becomes each
// event's Source. It refuses input that is not EVTX with an *Error at offset
// 0. A damaged file header is tolerated when a valid chunk follows it: the
// header's counts are never trusted, chunks are read until the input ends.
func NewReader(r io.Reader, name string) (*Reader, error) {
	rd := &Reader{src: r, name: name, chunks: -1, st: statePool.Get().(*state)}
	hdr := rd.st.buf[:fileHeaderSize]
	n, err := io.ReadFull(r, hdr)
	rd.off = int64(n)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		rd.finish(err)
		return nil, &Error{File: name, Offset: int64(n), Msg: "read file header", Err: err}
	}
	magicOK := n >= len(fileMagic) && bytes.Equal(hdr[:len(fileMagic)], fileMagic)
	if n < fileHeaderSize {
		rd.finish(io.EOF)
		if !magicOK {
			return nil, &Error{File: name, Offset: 0, Msg: "not an EVTX file: no ElfFile signature"}
		}
		rd.problem(int64(n), "file header truncated: %d of %d bytes", n, fileHeaderSize)
		return rd, nil
	}
	if magicOK {
		rd.checkFileHeader(hdr)
		return rd, nil
	}
	// Not the file signature: accept the file only if a chunk follows.
	err = rd.readChunk()
	var ioErr *Error
	if errors.As(err, &ioErr) {
		rd.finish(err)
		return nil, ioErr
	}
	if err != nil || !bytes.Equal(rd.st.buf[:len(chunkMagic)], chunkMagic) {
		rd.finish(io.EOF)
		return nil, &Error{File: name, Offset: 0, Msg: "not an EVTX file: no ElfFile signature and no chunk at offset 4096"}
	}
	rd.loaded = true
	rd.problem(0, "file header signature damaged; reading the chunks that follow")
	return rd, nil
}

// checkFileHeader notes damage in a header that has the right signature and
// takes the declared chunk count from it when its checksum holds.
func (r *Reader) checkFileHeader(hdr []byte) {
	le := binary.LittleEndian
	if crc32.ChecksumIEEE(hdr[:120]) != le.Uint32(hdr[124:]) {
		r.problem(124, "file header checksum mismatch; reading chunks until the end")
		return
	}
	if major := le.Uint16(hdr[38:]); major != 3 {
		r.problem(38, "unexpected format version %d.%d", major, le.Uint16(hdr[36:]))
	}
	r.chunks = int(le.Uint16(hdr[42:]))
}

// Stats returns the counts so far. Problems is a copy that the caller may
// keep.
func (r *Reader) Stats() Stats {
	s := r.stats
	s.Problems = append([]error(nil), r.stats.Problems...)
	return s
}

// Next resets ev and fills it with the next record. It returns io.EOF after
// the last record. Broken chunks and records are skipped and counted in
// Stats; only an error reading the underlying input is returned, as an
// *Error wrapping it, and it is returned again by every later call.
func (r *Reader) Next(ev *event.Event) error {
	for {
		if r.pos >= r.end {
			if r.err != nil {
				return r.err
			}
			r.nextChunk()
			continue
		}
		if r.nextRecord(ev) {
			return nil
		}
	}
}

// readChunk reads the next 64 KiB from the input into buf.
func (r *Reader) readChunk() error {
	r.bufOff = r.off
	n, err := io.ReadFull(r.src, r.st.buf)
	r.off += int64(n)
	r.index++
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF):
		if !allZero(r.st.buf[:n]) {
			r.problem(r.bufOff, "truncated chunk: %d of %d bytes", n, chunkSize)
			r.stats.SkippedChunks++
		}
		return io.EOF
	}
	return &Error{File: r.name, Offset: r.off, Msg: "read chunk", Err: err}
}

// nextChunk reads and validates the next chunk, leaving pos and end around
// its records when it is sound, or sets r.err at the end of the input.
func (r *Reader) nextChunk() {
	if r.loaded {
		r.loaded = false
	} else if err := r.readChunk(); err != nil {
		r.finish(err)
		return
	}
	b, le := r.st.buf, binary.LittleEndian
	if !bytes.Equal(b[:len(chunkMagic)], chunkMagic) {
		// Files are preallocated: zeroed chunks past the declared count
		// are unused space, not damage.
		if r.index > r.chunks && allZero(b[:chunkHeaderSize]) {
			return
		}
		r.skipChunk("chunk signature missing")
		return
	}
	if crc := crc32.Update(crc32.ChecksumIEEE(b[:120]), crc32.IEEETable, b[128:chunkHeaderSize]); crc != le.Uint32(b[124:]) {
		r.skipChunk("chunk header checksum mismatch")
		return
	}
	free := le.Uint32(b[48:])
	if free < chunkHeaderSize || free > chunkSize {
		r.skipChunk("chunk free space offset %d out of range", free)
		return
	}
	if crc32.ChecksumIEEE(b[chunkHeaderSize:free]) != le.Uint32(b[52:]) {
		r.skipChunk("chunk records checksum mismatch")
		return
	}
	r.stats.Chunks++
	r.st.dec.resetChunk(b)
	r.pos, r.end = chunkHeaderSize, int(free)
}

func (r *Reader) skipChunk(format string, args ...any) {
	r.problem(r.bufOff, format, args...)
	r.stats.SkippedChunks++
}

// nextRecord decodes the record at pos into ev and moves pos past it. It
// returns false when the record was broken (and skipped) or when only
// zeroed space remains in the chunk.
func (r *Reader) nextRecord(ev *event.Event) bool {
	b, p, le := r.st.buf, r.pos, binary.LittleEndian
	if r.end-p < minRecordSize || !bytes.Equal(b[p:p+4], recordMagic) {
		if allZero(b[p:r.end]) {
			r.pos = r.end
			return false
		}
		r.badRecord(p, "record signature missing")
		return false
	}
	size := int(le.Uint32(b[p+4:]))
	if size < minRecordSize || size > r.end-p || int(le.Uint32(b[p+size-4:])) != size {
		r.badRecord(p, "record size %d does not match its copy or the chunk", size)
		return false
	}
	r.pos = p + size
	ev.Reset()
	if err := r.st.dec.record(ev, p+recordHeaderSize, p+size-4); err != nil {
		var de *decodeError
		off := int64(p)
		if errors.As(err, &de) {
			off = int64(de.off)
		}
		r.problem(r.bufOff+off, "record %d: %v", le.Uint64(b[p+8:]), err)
		r.stats.SkippedRecords++
		ev.Reset()
		return false
	}
	ev.Source = r.name
	if ev.Record == 0 {
		ev.Record = le.Uint64(b[p+8:])
	}
	if ev.Time.IsZero() {
		ev.Time = fileTime(le.Uint64(b[p+16:]))
	}
	r.stats.Records++
	return true
}

// badRecord counts a record that cannot be delimited and resumes at the next
// place in the chunk that holds a well-formed record, as libevtx does when it
// recovers records.
func (r *Reader) badRecord(p int, format string, args ...any) {
	r.problem(r.bufOff+int64(p), format, args...)
	r.stats.SkippedRecords++
	r.pos = r.end
	b := r.st.buf[:r.end]
	for q := p + 1; q+minRecordSize <= len(b); {
		i := bytes.Index(b[q:], recordMagic)
		if i < 0 {
			return
		}
		q += i
		if q+minRecordSize > len(b) {
			return
		}
		if size := int(binary.LittleEndian.Uint32(b[q+4:])); size >= minRecordSize && size <= len(b)-q &&
			int(binary.LittleEndian.Uint32(b[q+size-4:])) == size {
			r.pos = q
			return
		}
		q++
	}
}
