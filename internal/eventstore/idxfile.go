package eventstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Index files: magic, header length, header (summary, flags, filter sizes,
// field names) with its CRC-32C, then the trigram bitmap and the pair
// filter with theirs. The header is read at open; the filters only when a
// search needs them, so that many segments cost little memory.
const indexMagic = "VGEVIDX1"

// Header flags.
const (
	idxUntimed = 1 << iota
	idxManyNames
)

// indexInfo is an index file's header, read at open.
type indexInfo struct {
	sum       summary
	names     map[string]struct{}
	many      bool
	triLog    uint8
	pairLog   uint8
	filterOff int64 // where the bitmaps start
}

// encodeIndex renders a sealed segment's index.
func encodeIndex(sum summary, f *filters) []byte {
	h := make([]byte, 0, 256)
	for _, v := range []uint64{sum.first, sum.last, uint64(sum.count), uint64(sum.bytes)} {
		h = binary.LittleEndian.AppendUint64(h, v)
	}
	for _, t := range []time.Time{sum.oldest, sum.newest, sum.sealed} {
		h = appendTime(h, t)
	}
	flags := uint32(0)
	if sum.untimed {
		flags |= idxUntimed
	}
	if f.many {
		flags |= idxManyNames
	}
	h = binary.LittleEndian.AppendUint32(h, flags)
	h = append(h, logOf(f.tri), logOf(f.pairs))
	h = binary.AppendUvarint(h, uint64(len(f.names)))
	for n := range f.names {
		h = binary.AppendUvarint(h, uint64(len(n)))
		h = append(h, n...)
	}
	h = binary.LittleEndian.AppendUint32(h, crc32.Checksum(h, castagnoli))
	b := make([]byte, 0, len(indexMagic)+4+len(h)+8*(len(f.tri)+len(f.pairs))+4)
	b = append(b, indexMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(h)))
	b = append(b, h...)
	start := len(b)
	for _, w := range f.tri {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	for _, w := range f.pairs {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
}

func logOf(b bitset) uint8 {
	n := uint8(0)
	for l := len(b) * 64; l > 1; l >>= 1 {
		n++
	}
	return n
}

// appendTime writes seconds and nanoseconds, which keep every time.Time
// (the zero time included) where UnixNano would overflow.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, make([]byte, 12)...)
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(t.Unix()))
	return binary.LittleEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

// idxReader decodes an index header, remembering the first fault.
type idxReader struct {
	b   []byte
	off int
	err string
}

func (r *idxReader) take(n int) []byte {
	if r.err != "" || n < 0 || len(r.b)-r.off < n {
		if r.err == "" {
			r.err = "header ends early"
		}
		return make([]byte, max(n, 0))
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

func (r *idxReader) u64() uint64 { return binary.LittleEndian.Uint64(r.take(8)) }
func (r *idxReader) u32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }

func (r *idxReader) time() time.Time {
	sec, nsec := int64(r.u64()), r.u32()
	if sec == 0 && nsec == 0 {
		return time.Time{}
	}
	if nsec >= 1e9 {
		r.err = "nanoseconds out of range"
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (r *idxReader) uvarint() uint64 {
	if r.err != "" {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.err = "bad varint"
		return 0
	}
	r.off += n
	return v
}

// readIndexInfo reads the header of the index at path.
func readIndexInfo(path string) (*indexInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeIndexInfo(filepath.Base(path), f)
}

// decodeIndexInfo reads an index header from r; name is the file's, for
// errors.
func decodeIndexInfo(name string, f io.Reader) (*indexInfo, error) {
	var pre [len(indexMagic) + 4]byte
	if _, err := io.ReadFull(f, pre[:]); err != nil {
		return nil, &CorruptError{File: name, Offset: 0, Reason: "shorter than its magic and header length"}
	}
	if string(pre[:len(indexMagic)]) != indexMagic {
		return nil, &CorruptError{File: name, Offset: 0, Reason: fmt.Sprintf("not an event index (magic %q)", pre[:len(indexMagic)])}
	}
	n := binary.LittleEndian.Uint32(pre[len(indexMagic):])
	if n < 4 || n > 1<<24 {
		return nil, &CorruptError{File: name, Offset: int64(len(indexMagic)), Reason: fmt.Sprintf("header length %d out of range", n)}
	}
	h := make([]byte, n)
	if _, err := io.ReadFull(f, h); err != nil {
		return nil, &CorruptError{File: name, Offset: int64(len(pre)), Reason: "header runs past the end"}
	}
	body := h[:n-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(h[n-4:]) {
		return nil, &CorruptError{File: name, Offset: int64(len(pre)), Reason: "header checksum mismatch"}
	}
	info, r := parseIndexHeader(body)
	if r.err != "" {
		return nil, &CorruptError{File: name, Offset: int64(len(pre) + r.off), Reason: r.err}
	}
	info.filterOff = int64(len(pre)) + int64(n)
	return info, nil
}

func parseIndexHeader(b []byte) (*indexInfo, *idxReader) {
	r := &idxReader{b: b}
	info := &indexInfo{names: map[string]struct{}{}}
	s := &info.sum
	s.first, s.last, s.count, s.bytes = r.u64(), r.u64(), int64(r.u64()), int64(r.u64())
	s.oldest, s.newest, s.sealed = r.time(), r.time(), r.time()
	flags := r.u32()
	s.untimed, info.many = flags&idxUntimed != 0, flags&idxManyNames != 0
	logs := r.take(2)
	info.triLog, info.pairLog = logs[0], logs[1]
	if r.err == "" && (info.triLog < 6 || info.triLog > 26 || info.pairLog < 6 || info.pairLog > 26) {
		r.err = fmt.Sprintf("filter sizes 2^%d and 2^%d out of range", info.triLog, info.pairLog)
	}
	count := r.uvarint()
	if count > uint64(len(b)) {
		r.err = fmt.Sprintf("%d field names exceed the header", count)
	}
	for range count {
		if r.err != "" {
			break
		}
		info.names[string(r.take(int(min(r.uvarint(), uint64(len(b))))))] = struct{}{}
	}
	if r.err == "" && r.off != len(b) {
		r.err = fmt.Sprintf("%d bytes after the field names", len(b)-r.off)
	}
	return info, r
}

// fileBytes is the size of the index file.
func (info *indexInfo) fileBytes() int64 {
	return info.filterOff + 8*((1<<info.triLog)/64+(1<<info.pairLog)/64) + 4
}

// loadFilters reads an index's bitmaps and checks their checksum.
func (info *indexInfo) loadFilters(path string) (*filters, error) {
	name := filepath.Base(path)
	triWords, pairWords := (1<<info.triLog)/64, (1<<info.pairLog)/64
	size := 8*(triWords+pairWords) + 4
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, size)
	if _, err := f.ReadAt(b, info.filterOff); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &CorruptError{File: name, Offset: info.filterOff, Reason: "filters run past the end"}
		}
		return nil, fmt.Errorf("eventstore: read %s: %w", name, err)
	}
	if crc32.Checksum(b[:size-4], castagnoli) != binary.LittleEndian.Uint32(b[size-4:]) {
		return nil, &CorruptError{File: name, Offset: info.filterOff, Reason: "filter checksum mismatch"}
	}
	fl := &filters{names: info.names, many: info.many, tri: make(bitset, triWords), pairs: make(bitset, pairWords)}
	for i := range fl.tri {
		fl.tri[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	for i := range fl.pairs {
		fl.pairs[i] = binary.LittleEndian.Uint64(b[8*(triWords+i):])
	}
	return fl, nil
}

// writeIndex writes an index beside its segment: to a temporary file,
// fsynced, then renamed, so that a crash leaves the old state or the new.
func writeIndex(path string, data []byte, sync bool) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return fmt.Errorf("eventstore: create index: %w", err)
	}
	_, err = f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("eventstore: write index %s: %w", filepath.Base(path), err)
	}
	return nil
}
