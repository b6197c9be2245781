package correlate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// StateVersion is the version of the encoding MarshalState writes;
// UnmarshalState reads this version only.
const StateVersion = 1

// stateMagic opens every encoded state.
const stateMagic = "VCOR"

// fingerprintLen is how many bytes of a definition's hash the state keeps.
const fingerprintLen = 8

// blockLenBytes is the width of a correlation's block length, fixed so that
// the block is written in place and its length filled in after.
const blockLenBytes = 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrStateVersion is wrapped by the error UnmarshalState returns for a
// state written in another version of the encoding.
var ErrStateVersion = errors.New("unsupported correlation state version")

// StateError says where an encoded state is damaged: Offset is the byte
// offset in the input where decoding failed.
type StateError struct {
	Offset int
	Err    error
}

func (e *StateError) Error() string {
	return fmt.Sprintf("correlation state: byte offset %d: %v", e.Offset, e.Err)
}

func (e *StateError) Unwrap() error { return e.Err }

// MarshalState encodes the engine's open windows and its event-time clock,
// so that UnmarshalState can carry them across a restart. Call it between
// events, not between the Observe calls of one event.
//
// The encoding is versioned and ends with a CRC-32C of what precedes it. It
// is, in order: "VCOR", the version, the clock, the base-event counter, and
// per correlation its identity (id, else name, else title), a fingerprint of
// its definition and the length of its block of windows (8 bytes), so that a reader
// can skip a correlation it no longer has.
func (e *Engine) MarshalState() ([]byte, error) {
	w := stateWriter{buf: make([]byte, 0, 64+96*e.stats.Windows), strings: map[string]uint64{}}
	w.buf = append(w.buf, stateMagic...)
	w.uvarint(StateVersion)
	w.varint(e.now)
	w.uvarint(e.obs)
	w.uvarint(uint64(len(e.corrs)))
	for _, c := range e.corrs {
		w.string(corrRef(c.def))
		w.buf = append(w.buf, c.fingerprint()...)
		at := len(w.buf)
		w.buf = append(w.buf, make([]byte, blockLenBytes)...) // the length, once known
		clear(w.strings)
		c.encodeWindows(&w, e.now, e.obs)
		binary.LittleEndian.PutUint64(w.buf[at:], uint64(len(w.buf)-at-blockLenBytes))
	}
	w.buf = binary.LittleEndian.AppendUint32(w.buf, crc32.Checksum(w.buf, castagnoli))
	return w.buf, nil
}

// UnmarshalState replaces the engine's windows and clock with those b
// encodes. The engine may have been built from another rule set: the state
// of a correlation that is no longer loaded, or whose definition changed, is
// left out and named in dropped; correlations that are new start empty.
// Errors are *StateError naming the byte offset, and leave the engine as it
// was.
func (e *Engine) UnmarshalState(b []byte) (dropped []string, err error) {
	if len(b) < len(stateMagic)+4 {
		return nil, &StateError{Offset: len(b), Err: fmt.Errorf("%d bytes is too short: %w", len(b), errTruncated)}
	}
	body := b[:len(b)-4]
	if got, want := binary.LittleEndian.Uint32(b[len(body):]), crc32.Checksum(body, castagnoli); got != want {
		return nil, &StateError{Offset: len(body), Err: fmt.Errorf("checksum %08x does not match the content's %08x", got, want)}
	}
	if !bytes.HasPrefix(body, []byte(stateMagic)) {
		return nil, &StateError{Offset: 0, Err: fmt.Errorf("does not start with %q", stateMagic)}
	}
	r := &stateReader{b: body, off: len(stateMagic)}
	if v := r.uvarint(); r.err == nil && v != StateVersion {
		return nil, &StateError{Offset: len(stateMagic), Err: fmt.Errorf("version %d, this build reads %d: %w", v, StateVersion, ErrStateVersion)}
	}
	now, obs := r.varint(), r.uvarint()
	staged, dropped := e.decodeCorrelations(r, now, obs)
	if r.err == nil && r.off != len(body) {
		r.fail("%d bytes after the last correlation", len(body)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	e.install(staged, now, obs)
	return dropped, nil
}

// decodeCorrelations reads every correlation's block, keeping the windows of
// those the engine has with the same definition.
func (e *Engine) decodeCorrelations(r *stateReader, now int64, obs uint64) (map[*corr]restored, []string) {
	byRef := map[string][]*corr{}
	for _, c := range e.corrs {
		ref := corrRef(c.def)
		byRef[ref] = append(byRef[ref], c)
	}
	staged := map[*corr]restored{}
	var dropped []string
	n := r.count("correlations")
	for range n {
		ref := r.string("correlation identity")
		fp := r.bytes(fingerprintLen, "fingerprint")
		size := r.blockLen()
		start := r.off
		r.bytes(uint64(size), "windows")
		if r.err != nil {
			break
		}
		c := pop(byRef, ref)
		switch {
		case c == nil:
			dropped = append(dropped, ref+": no longer loaded")
			continue
		case !bytes.Equal(fp, c.fingerprint()):
			dropped = append(dropped, ref+": definition changed")
			continue
		}
		block := &stateReader{b: r.b[:start+size], off: start}
		staged[c] = c.decodeWindows(block, now, obs)
		if block.err != nil {
			r.err = block.err
			break
		}
	}
	return staged, dropped
}

// pop takes the first correlation with identity ref: several correlations
// sharing one identity are matched in the order they were built.
func pop(m map[string][]*corr, ref string) *corr {
	cs := m[ref]
	if len(cs) == 0 {
		return nil
	}
	m[ref] = cs[1:]
	return cs[0]
}

// install replaces the engine's state with the decoded windows, kept in
// the order they were written (their deadline order).
func (e *Engine) install(staged map[*corr]restored, now int64, obs uint64) {
	e.now, e.obs, e.lastEv = now, obs, nil
	e.stats.Windows = 0
	e.nextDue = math.MaxInt64
	for _, c := range e.corrs {
		s := staged[c]
		c.groups = s.groups
		if c.groups == nil {
			c.groups = map[string]*window{}
		}
		c.head, c.tail = nil, nil
		c.doneObs, c.doneKey = 0, ""
		for _, w := range s.list {
			c.insert(w)
		}
		e.stats.Windows += len(s.list)
		if c.head != nil {
			e.nextDue = min(e.nextDue, c.head.deadline)
		}
	}
}

// fingerprint hashes what the meaning of c's windows depends on: its type,
// rules, grouping, timespan, condition, fields and aliases. Generate and the
// descriptive fields are left out: changing them keeps the state.
func (c *corr) fingerprint() []byte {
	d := c.def
	var b []byte
	str := func(s string) { b = append(binary.AppendUvarint(b, uint64(len(s))), s...) }
	list := func(ss []string) {
		b = binary.AppendUvarint(b, uint64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	str(string(d.Type))
	b = binary.AppendVarint(b, int64(d.Timespan))
	list(d.Rules)
	list(d.GroupBy)
	str(d.Field)
	list(d.Fields)
	for _, p := range []*float64{d.Condition.GT, d.Condition.GTE, d.Condition.LT, d.Condition.LTE, d.Condition.EQ, d.Condition.NEQ} {
		if p == nil {
			b = append(b, 0)
			continue
		}
		b = binary.LittleEndian.AppendUint64(append(b, 1), math.Float64bits(*p))
	}
	for _, alias := range sortedKeys(d.Aliases) {
		str(alias)
		m := d.Aliases[alias]
		for _, k := range sortedKeys(m) {
			str(k)
			str(m[k])
		}
	}
	b = binary.AppendUvarint(b, uint64(len(c.inputs)))
	b = binary.AppendUvarint(b, uint64(c.npos))
	sum := sha256.Sum256(b)
	return sum[:fingerprintLen]
}
