package evtx

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/vigilhealth/vigil/internal/event"
)

// Limits that keep damaged or hostile input from recursing without bound.
const (
	maxFragmentDepth = 8    // BinXML values nested in substitution values
	maxElementDepth  = 64   // elements nested in one fragment
	maxInterned      = 4096 // distinct names kept across chunks
	maxTemplates     = 1024 // compiled templates kept across chunks

	// maxSteps and maxExpansion bound the fields and nested fragments one
	// record may expand to, and the bytes of its rendered values. A
	// template can refer to the same BinXML value many times, and that
	// value to another: without a bound a few hundred bytes could expand
	// exponentially. Real records take a few hundred steps and a few
	// kilobytes (at most some 130 KiB for a record that fills a chunk with
	// binary data rendered as hexadecimal).
	maxSteps     = 1 << 14
	maxExpansion = 1 << 20
)

// decodeError is a BinXML problem at an offset within the chunk.
type decodeError struct {
	off int
	msg string
}

func (e *decodeError) Error() string { return e.msg }

func errAt(off int, format string, args ...any) error {
	return &decodeError{off: off, msg: fmt.Sprintf(format, args...)}
}

// name is an element or attribute name from a chunk's string table.
type name struct {
	s  string
	id event.FieldID // interned on first use as a field name
}

func (n *name) field() event.FieldID {
	if n.id == 0 {
		n.id = event.Intern(n.s)
	}
	return n.id
}

// nameRef is a name cached by its offset in the chunk, with the size of its
// inline encoding so that a reader can step over it.
type nameRef struct {
	n    *name
	size int
}

// value is one substitution value of a template instance: its type and its
// bytes as offsets into the chunk.
type value struct {
	t          byte
	start, end int
}

// decoder turns the BinXML of one chunk's records into event fields. Its
// caches of names and compiled templates are per chunk, because both are
// addressed by chunk offset.
type decoder struct {
	chunk     []byte
	names     map[uint32]nameRef
	plans     map[uint64]*plan
	intern    map[string]*name // UTF-16 bytes of a name to its decoded form, across chunks
	templates map[templateKey]*template

	scratch []byte    // the rendered values of the current record
	pend    []pending // the fields of the current record, in document order
	vals    []value   // substitution values; nested templates stack theirs above
	tmp     []byte
	steps   int // left of maxSteps for the current record
	at      int // chunk offset of the current record, for errors without a better place
}

func (d *decoder) init() {
	d.names = make(map[uint32]nameRef)
	d.plans = make(map[uint64]*plan)
	d.intern = make(map[string]*name)
	d.templates = make(map[templateKey]*template)
}

// resetChunk points the decoder at a new chunk and forgets the old one's
// names and templates.
func (d *decoder) resetChunk(chunk []byte) {
	d.chunk = chunk
	clear(d.names)
	clear(d.plans)
}

// record decodes the BinXML in chunk[start:end] into ev.
func (d *decoder) record(ev *event.Event, start, end int) error {
	d.scratch, d.pend, d.vals = d.scratch[:0], d.pend[:0], d.vals[:0]
	d.steps, d.at = maxSteps, start-recordHeaderSize
	if err := d.fragment(start, end, secRoot, 0); err != nil {
		return err
	}
	d.flush(ev)
	return nil
}

// fragment decodes a BinXML fragment: a template instance, or elements
// written out in full (forwarded events and some nested values).
func (d *decoder) fragment(pos, end int, sec section, depth int) error {
	if depth > maxFragmentDepth {
		return errAt(pos, "BinXML nested more than %d deep", maxFragmentDepth)
	}
	if d.steps--; d.steps < 0 {
		return errAt(pos, "record expands to more than %d fields and fragments", maxSteps)
	}
	c, done := d.chunk, false
	for pos < end {
		switch c[pos] {
		case 0x0f: // fragment header: token, major, minor, flags
			pos += 4
		case 0x00: // end of stream
			pos = end
		case 0x0c:
			next, err := d.instance(pos, end, sec, depth)
			if err != nil {
				return err
			}
			pos, done = next, true
		case 0x01, 0x41:
			p := parser{d: d, c: c, pos: pos, end: end, nested: depth > 0}
			n, err := p.element(0)
			if err != nil {
				return err
			}
			// Written-out elements are parsed each time they are met, so
			// they cost steps by size.
			d.steps -= (p.pos - pos) / 64
			if err := d.run(compile(n, sec), nil, depth); err != nil {
				return err
			}
			pos, done = p.pos, true
		default:
			if done {
				return nil // trailing bytes after a complete fragment
			}
			return errAt(pos, "unexpected BinXML token %#x at the start of a fragment", c[pos])
		}
	}
	if !done && depth == 0 { // a nested value may be empty; a record may not
		return errAt(pos, "BinXML fragment without content")
	}
	return nil
}

// instance decodes a template instance at pos and returns the offset after
// it. The definition is compiled once per chunk; the instance costs only its
// substitution values.
func (d *decoder) instance(pos, end int, sec section, depth int) (int, error) {
	c, le := d.chunk, binary.LittleEndian
	if end-pos < 10 {
		return 0, errAt(pos, "template instance truncated")
	}
	defOff := int(le.Uint32(c[pos+6:]))
	pos += 10
	if defOff == pos { // the definition follows inline; step over it
		if end-pos < 24 {
			return 0, errAt(pos, "template definition header truncated")
		}
		size := int(le.Uint32(c[pos+20:]))
		if size > end-pos-24 {
			return 0, errAt(pos, "template definition size %d overruns the record", size)
		}
		pos += 24 + size
	} else if defOff > pos {
		return 0, errAt(pos-4, "template definition offset %d points forward", defOff)
	}
	pl := d.plan(defOff, sec, pos-4)
	if pl.err != nil {
		return 0, pl.err
	}
	if end-pos < 4 {
		return 0, errAt(pos, "substitution count truncated")
	}
	n := int(le.Uint32(c[pos:]))
	pos += 4
	if n > (end-pos)/4 {
		return 0, errAt(pos-4, "substitution count %d overruns the record", n)
	}
	base, data := len(d.vals), pos+4*n
	for i := range n {
		size, t := int(le.Uint16(c[pos+4*i:])), c[pos+4*i+2]
		if size > end-data {
			return 0, errAt(pos+4*i, "substitution %d of %d bytes overruns the record", i, size)
		}
		d.vals = append(d.vals, value{t: t, start: data, end: data + size})
		data += size
	}
	err := d.run(pl, d.vals[base:], depth)
	d.vals = d.vals[:base]
	return data, err
}

// plan returns the compiled template defined at defOff for use in section
// sec; at is where the reference to it sits, for errors. Within a chunk it is found by offset; otherwise a template compiled in
// an earlier chunk is reused when its definition is the same, else the
// definition is compiled. A definition that fails to parse is cached with its
// error so that later records in the chunk fail fast.
func (d *decoder) plan(defOff int, sec section, at int) *plan {
	key := uint64(defOff)<<8 | uint64(sec)
	if pl, ok := d.plans[key]; ok {
		return pl
	}
	pl := d.sharedPlan(defOff, sec, at)
	d.plans[key] = pl
	return pl
}

func (d *decoder) sharedPlan(defOff int, sec section, at int) *plan {
	c := d.chunk
	if defOff < chunkHeaderSize || defOff > len(c)-24 {
		return &plan{err: errAt(at, "template definition offset %d outside the chunk", defOff)}
	}
	size := int(binary.LittleEndian.Uint32(c[defOff+20:]))
	start := defOff + 24
	if size > len(c)-start {
		return &plan{err: errAt(at, "template definition size %d overruns the chunk", size)}
	}
	key := templateKey{size: uint32(size), sec: sec}
	copy(key.guid[:], c[defOff+4:defOff+20])
	if t, ok := d.templates[key]; ok && d.sameDefinition(t, start) {
		return t.plan
	}
	p := parser{d: d, c: c, pos: start, end: start + size, def: start, sec: sec}
	pl := p.definition()
	if pl.err == nil {
		if len(d.templates) >= maxTemplates {
			clear(d.templates)
		}
		d.templates[key] = &template{plan: pl, def: bytes.Clone(c[start : start+size]), refs: p.refs}
	}
	return pl
}

// definition parses a template definition's fragment and compiles it.
func (p *parser) definition() *plan {
	for p.pos < p.end && p.c[p.pos] == 0x0f {
		p.pos += 4
	}
	if p.pos >= p.end || (p.c[p.pos] != 0x01 && p.c[p.pos] != 0x41) {
		return &plan{err: errAt(p.pos, "template definition at %d does not start with an element", p.def-24)}
	}
	n, err := p.element(0)
	if err != nil {
		return &plan{err: err}
	}
	return compile(n, p.sec)
}

// nameAt returns the name stored at offset off of the chunk: a 4-byte link,
// a 2-byte hash, a 2-byte character count, the UTF-16 characters and a NUL.
// at is where the reference to it sits, for errors.
func (d *decoder) nameAt(off, at int) (nameRef, error) {
	if ref, ok := d.names[uint32(off)]; ok {
		return ref, nil
	}
	c := d.chunk
	if off < 0 || off > len(c)-8 {
		return nameRef{}, errAt(at, "name offset %d outside the chunk", off)
	}
	count := int(binary.LittleEndian.Uint16(c[off+6:]))
	size := 8 + 2*count + 2
	if size > len(c)-off {
		return nameRef{}, errAt(at, "name at %d of %d characters overruns the chunk", off, count)
	}
	raw := c[off+8 : off+8+2*count]
	n, ok := d.intern[string(raw)]
	if !ok {
		if len(d.intern) >= maxInterned { // damaged input must not grow it without bound
			clear(d.intern)
			clear(d.templates) // they match names by identity
		}
		d.tmp = appendUTF16(d.tmp[:0], raw)
		n = &name{s: string(d.tmp)}
		d.intern[string(raw)] = n
	}
	ref := nameRef{n: n, size: size}
	d.names[uint32(off)] = ref
	return ref, nil
}
