package flow

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// The profile's binary form, little-endian:
//
//	"VFLW" version(1) bucket-ns(uvarint) keys(uvarint)
//	per key: listener, host, kind (uvarint length + bytes each),
//	  last-seen and since (varint Unix ns, 0 for none), state(1),
//	  global n(uvarint) mean(f64) var(f64),
//	  used slots(uvarint), each: slot(1) n(uvarint) mean(f32) var(f32).
//
// The current bucket and recent counts are not kept: the time Vigil was
// down was watched by nobody, so after a restart each source's windows
// start afresh when it is first observed or checked.
const (
	magic   = "VFLW"
	version = 1
)

// MarshalBinary encodes the learned profile of every source.
func (w *Watch) MarshalBinary() ([]byte, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := append([]byte(magic), version)
	b = binary.AppendUvarint(b, uint64(w.opts.Bucket))
	b = binary.AppendUvarint(b, uint64(len(w.keys)))
	// Sorted, so that one profile always encodes the same way.
	all := make([]*source, 0, len(w.keys))
	for _, s := range w.keys {
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b *source) int { return compareKeys(a.key, b.key) })
	for _, s := range all {
		b = appendSource(b, s)
	}
	return b, nil
}

func appendSource(b []byte, s *source) []byte {
	for _, p := range []string{s.key.Listener, s.key.Host, s.key.Kind} {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	b = binary.AppendVarint(b, unixNano(s.lastSeen))
	b = binary.AppendVarint(b, unixNano(s.since))
	b = append(b, byte(s.state))
	b = binary.AppendUvarint(b, s.global.n)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.global.mean))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.global.vr))
	used := 0
	for i := range s.slots {
		if s.slots[i].n > 0 {
			used++
		}
	}
	b = binary.AppendUvarint(b, uint64(used))
	for i, sl := range s.slots {
		if sl.n == 0 {
			continue
		}
		b = append(b, byte(i))
		b = binary.AppendUvarint(b, uint64(sl.n))
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(sl.mean))
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(sl.vr))
	}
	return b
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// UnmarshalBinary replaces the Watch's sources with the profile in data.
// A profile saved with another bucket size is rescaled to this one. On
// error the Watch is unchanged.
func (w *Watch) UnmarshalBinary(data []byte) error {
	r := &reader{b: data}
	if string(r.bytes(len(magic))) != magic || r.err != nil {
		return errors.New("flow profile: not a flow profile (bad magic at byte 0)")
	}
	if v := r.byte(); r.err == nil && v != version {
		return fmt.Errorf("flow profile: version %d at byte 4, want %d", v, version)
	}
	bucket := r.uvarint()
	if r.err == nil && (bucket == 0 || bucket > uint64(math.MaxInt64)) {
		return fmt.Errorf("flow profile: bucket size %d at byte 5 out of range", bucket)
	}
	n := r.uvarint()
	if r.err != nil {
		return r.err
	}
	// Each source takes at least 33 bytes: a bound before allocating.
	if n > uint64(len(data)-r.off)/33 {
		return fmt.Errorf("flow profile: %d sources at byte %d, more than the data holds", n, r.off)
	}
	scale := float64(w.opts.Bucket) / float64(bucket)
	if scale > 1e6 || scale < 1e-6 {
		return fmt.Errorf("flow profile: bucket size %v cannot be rescaled to %v", time.Duration(bucket), w.opts.Bucket)
	}
	keys := make(map[Key]*source, n)
	for range n {
		at := r.off
		s := r.source(w.tune.windowBuckets, scale)
		if r.err != nil {
			return r.err
		}
		if _, dup := keys[s.key]; dup {
			return fmt.Errorf("flow profile: source %v repeated at byte %d", s.key, at)
		}
		keys[s.key] = s
	}
	if r.off != len(data) {
		return fmt.Errorf("flow profile: %d bytes of trailing data at byte %d", len(data)-r.off, r.off)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.keys = keys
	if len(keys) > w.opts.MaxKeys {
		w.evict(len(keys) - w.opts.MaxKeys)
	}
	return nil
}

// reader decodes the profile, remembering the first error and its offset.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("flow profile: bad %s at byte %d", what, r.off)
	}
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.off {
		r.fail("length")
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) byte() byte {
	p := r.bytes(1)
	if p == nil {
		return 0
	}
	return p[0]
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("number")
		return 0
	}
	r.off += n
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail("number")
		return 0
	}
	r.off += n
	return v
}

func (r *reader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail("string length")
		return ""
	}
	return string(r.bytes(int(n)))
}

// float reads a bits-wide float and multiplies it by scale; the result
// must be finite, not negative and not absurdly large.
func (r *reader) float(bits int, scale float64) float64 {
	var f float64
	if bits == 64 {
		p := r.bytes(8)
		if p == nil {
			return 0
		}
		f = math.Float64frombits(binary.LittleEndian.Uint64(p))
	} else {
		p := r.bytes(4)
		if p == nil {
			return 0
		}
		f = float64(math.Float32frombits(binary.LittleEndian.Uint32(p)))
	}
	f *= scale
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
		r.off -= bits / 8
		r.fail("number")
	}
	return f
}

// source decodes one source, rescaling its counts per bucket by scale.
func (r *reader) source(wb int64, scale float64) *source {
	s := newSource(Key{Listener: r.str(), Host: r.str(), Kind: r.str()}, wb)
	s.lastSeen = fromUnixNano(r.varint())
	s.since = fromUnixNano(r.varint())
	if st := state(r.byte()); st <= stateSurge {
		s.state = st
	} else {
		r.off--
		r.fail("state")
	}
	s.global.n = r.uvarint()
	s.global.mean = r.float(64, scale)
	s.global.vr = r.float(64, scale)
	used := r.uvarint()
	if used > 168 {
		r.fail("slot count")
	}
	for range min(used, 168) {
		i := r.byte()
		n := r.uvarint()
		mean, vr := r.float(32, scale), r.float(32, scale)
		if i >= 168 || n == 0 || n > math.MaxUint32 || s.slots[i].n != 0 {
			r.fail("slot")
		}
		if r.err != nil {
			return s
		}
		s.slots[i] = stat{n: uint32(n), mean: float32(mean), vr: float32(vr)}
	}
	return s
}
