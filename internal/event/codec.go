package event

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unsafe"
)

// codecVersion is the first byte of every encoded event. A decoder refuses
// versions it does not know rather than guess at their layout.
const codecVersion = 1

// Flag bits of the byte after the version.
const (
	flagTime     = 1 << iota // a time follows; absent means the zero time
	flagsDefined = flagTime
)

// ErrCodec is wrapped by every error UnmarshalBinary returns, so that a
// caller can tell malformed input from other failures.
var ErrCodec = errors.New("malformed encoded event")

// AppendBinary appends a compact binary encoding of e to b and returns the
// extended slice. The layout, every integer a minimal unsigned varint
// unless said otherwise and every string its length then its bytes:
//
//	version byte (1), flags byte (bit 0: time present)
//	[time: Unix seconds as a signed varint, then nanoseconds]
//	Record, Source, Host, LogSource.Product, .Category, .Service
//	field count, then per field in order: name, value
//
// Field names are written as strings, not FieldIDs, because FieldIDs are
// numbered per process. Time is kept as seconds and nanoseconds rather than
// one count of nanoseconds so that times outside 1678-2262, which a broken
// source may well produce, survive the round trip.
func (e *Event) AppendBinary(b []byte) []byte {
	flags := byte(0)
	if !e.Time.IsZero() {
		flags |= flagTime
	}
	b = append(b, codecVersion, flags)
	if flags&flagTime != 0 {
		b = binary.AppendVarint(b, e.Time.Unix())
		b = binary.AppendUvarint(b, uint64(e.Time.Nanosecond()))
	}
	b = binary.AppendUvarint(b, e.Record)
	for _, s := range [...]string{e.Source, e.Host, e.LogSource.Product, e.LogSource.Category, e.LogSource.Service} {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(e.fields)))
	// One read lock for all the names instead of one per FieldID.String.
	names.RLock()
	for _, f := range e.fields {
		name := ""
		if int(f.ID) < len(names.spelling) {
			name = names.spelling[f.ID]
		}
		b = appendString(b, name)
		b = appendString(b, f.Value)
	}
	names.RUnlock()
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// UnmarshalBinary resets e and fills it from data as written by
// AppendBinary. Strings are copied into e's own arena (as AddBytes does),
// so e does not keep data and stays valid until its next Reset; decoding
// into a reused event does not allocate once its storage has grown to fit.
// Field names are interned; Time comes back in UTC. An error wraps
// ErrCodec and names the byte offset where decoding failed; e is then
// reset.
func (e *Event) UnmarshalBinary(data []byte) error {
	e.Reset()
	d := decoder{data: data}
	if err := d.event(e); err != nil {
		e.Reset()
		return err
	}
	return nil
}

// decoder reads an encoded event, tracking its offset for error messages.
type decoder struct {
	data []byte
	off  int
}

func (d *decoder) fail(what string) error {
	return fmt.Errorf("decode event at byte %d: %s: %w", d.off, what, ErrCodec)
}

func (d *decoder) event(e *Event) error {
	t, err := d.header()
	if err != nil {
		return err
	}
	e.Time = t
	if e.Record, err = d.uvarint("record"); err != nil {
		return err
	}
	for _, dst := range [...]*string{&e.Source, &e.Host, &e.LogSource.Product, &e.LogSource.Category, &e.LogSource.Service} {
		b, err := d.bytes("metadata string")
		if err != nil {
			return err
		}
		*dst = e.store(b)
	}
	n, err := d.fieldCount()
	if err != nil {
		return err
	}
	if need := int(n); cap(e.fields) < need {
		e.fields = make([]Field, 0, need)
	}
	return d.eachField(n, func(name, value []byte) { e.AddBytes(internDecoded(name), value) })
}

// header reads the version and flags bytes and the time, if any.
func (d *decoder) header() (time.Time, error) {
	if len(d.data) < 2 {
		return time.Time{}, d.fail("shorter than its 2-byte header")
	}
	if v := d.data[0]; v != codecVersion {
		return time.Time{}, d.fail(fmt.Sprintf("unknown version %d", v))
	}
	d.off = 1
	flags := d.data[1]
	if flags&^flagsDefined != 0 {
		return time.Time{}, d.fail(fmt.Sprintf("unknown flags %#x", flags))
	}
	d.off = 2
	if flags&flagTime == 0 {
		return time.Time{}, nil
	}
	return d.time()
}

func (d *decoder) time() (time.Time, error) {
	start := d.off
	ux, err := d.uvarint("time seconds")
	if err != nil {
		return time.Time{}, err
	}
	sec := int64(ux>>1) ^ -int64(ux&1) // zig-zag, as binary.Varint
	nsec, err := d.uvarint("time nanoseconds")
	if err != nil {
		return time.Time{}, err
	}
	if nsec >= 1e9 {
		return time.Time{}, d.fail("time nanoseconds out of range")
	}
	t := time.Unix(sec, int64(nsec)).UTC()
	// Seconds too far out overflow time's own range; the zero time is
	// written without the time flag. Either would not re-encode the same.
	if t.Unix() != sec || t.IsZero() {
		d.off = start
		return time.Time{}, d.fail("time out of range")
	}
	return t, nil
}

// fieldCount reads the number of fields.
func (d *decoder) fieldCount() (uint64, error) {
	n, err := d.uvarint("field count")
	if err != nil {
		return 0, err
	}
	// Each field takes at least two bytes; a larger count is a lie that
	// must not make us reserve memory for it.
	if n > uint64(len(d.data)-d.off)/2 {
		return 0, d.fail(fmt.Sprintf("field count %d exceeds the data left", n))
	}
	return n, nil
}

// eachField reads n fields, calling fn with each name and value, and checks
// that nothing follows them.
func (d *decoder) eachField(n uint64, fn func(name, value []byte)) error {
	for range n {
		name, err := d.bytes("field name")
		if err != nil {
			return err
		}
		value, err := d.bytes("field value")
		if err != nil {
			return err
		}
		fn(name, value)
	}
	if d.off != len(d.data) {
		return d.fail(fmt.Sprintf("%d bytes after the last field", len(d.data)-d.off))
	}
	return nil
}

// uvarint reads a minimally encoded unsigned varint: an overlong encoding
// decodes to the same number but would not re-encode to the same bytes.
func (d *decoder) uvarint(what string) (uint64, error) {
	v, ok := d.minimalUvarint()
	if !ok {
		return 0, d.fail("bad " + what + " varint")
	}
	return v, nil
}

func (d *decoder) minimalUvarint() (uint64, bool) {
	// Most varints here (string lengths, field counts) are one byte.
	if d.off < len(d.data) && d.data[d.off] < 0x80 {
		d.off++
		return uint64(d.data[d.off-1]), true
	}
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 || (n > 1 && d.data[d.off+n-1] == 0) {
		return 0, false
	}
	d.off += n
	return v, true
}

func (d *decoder) bytes(what string) ([]byte, error) {
	n, ok := d.minimalUvarint()
	if !ok {
		return nil, d.fail("bad " + what + " length varint")
	}
	if n > uint64(len(d.data)-d.off) {
		return nil, d.fail(fmt.Sprintf("%s of %d bytes runs past the end", what, n))
	}
	b := d.data[d.off : d.off+int(n)]
	d.off += int(n)
	return b, nil
}

// internDecoded returns the FieldID of a decoded name. Names are mostly
// known and mixed-case ("CommandLine"), for which InternBytes would
// allocate; folding into a stack buffer and looking the key up directly
// keeps decoding allocation-free. Only ASCII names take that path, since
// Intern folds others with Unicode rules. A new name is interned with its
// own spelling.
func internDecoded(name []byte) FieldID {
	var buf [64]byte
	if key, ok := foldKey(buf[:0], name); ok {
		names.RLock()
		id, ok := names.ids[string(key)]
		names.RUnlock()
		if ok {
			return id
		}
	}
	return Intern(unsafe.String(unsafe.SliceData(name), len(name)))
}

// foldKey appends name lower-cased to key if name is short ASCII.
func foldKey(key, name []byte) ([]byte, bool) {
	if len(name) > cap(key) {
		return nil, false
	}
	for _, c := range name {
		if c >= 0x80 {
			return nil, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		key = append(key, c)
	}
	return key, true
}
