package evtx

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// pending is a field of the record being decoded. Rendered values live in
// the decoder's scratch buffer until the record is complete; then they are
// copied into one string and the fields are added to the event.
type pending struct {
	id   event.FieldID
	s    string // a static value, used when a < 0
	a, b int32  // the value's span in scratch
	sys  sysField
	ft   uint64 // the FILETIME behind a TimeCreated value, 0 if none
}

// run executes a compiled plan against the substitution values of one
// template instance.
func (d *decoder) run(pl *plan, vals []value, depth int) error {
	if d.steps -= len(pl.ops); d.steps < 0 {
		return errAt(d.at, "record expands to more than %d fields and fragments", maxSteps)
	}
	for i := range pl.ops {
		if len(d.scratch) > maxExpansion {
			return errAt(d.at, "record expands to more than %d bytes of values", maxExpansion)
		}
		o := &pl.ops[i]
		if o.nested {
			if v, ok := lookup(vals, o.sub); ok && v.t == typeBinXML {
				if err := d.fragment(v.start, v.end, o.sec, depth+1); err != nil {
					return err
				}
			}
			continue
		}
		if err := d.field(o, vals, depth); err != nil {
			return err
		}
	}
	return nil
}

func lookup(vals []value, i int32) (value, bool) {
	if int(i) < len(vals) {
		return vals[i], true
	}
	return value{}, false
}

// field emits the field of one op.
func (d *decoder) field(o *op, vals []value, depth int) error {
	id := o.field
	if o.name != nil {
		id = d.dynamicName(o.name, vals)
	}
	switch {
	case !o.dynamic:
		if o.static != "" || o.keepEmpty {
			d.pend = append(d.pend, pending{id: id, s: o.static, a: -1, sys: o.sys})
		}
		return nil
	case len(o.parts) == 1:
		return d.single(o, id, o.parts[0], vals, depth)
	}
	a := len(d.scratch)
	for _, p := range o.parts {
		if p.sub < 0 {
			d.scratch = append(d.scratch, p.text...)
		} else if v, ok := lookup(vals, p.sub); ok {
			d.appendJoined(v)
		}
	}
	d.addSpan(o, id, a, 0)
	return nil
}

// single emits a field whose text is one substitution: the common case.
func (d *decoder) single(o *op, id event.FieldID, p part, vals []value, depth int) error {
	v, ok := lookup(vals, p.sub)
	switch {
	case !ok || v.t == typeNull:
		// An optional substitution with no value removes its item.
		if !p.opt && o.keepEmpty {
			d.pend = append(d.pend, pending{id: id, a: -1})
		}
	case v.t == typeBinXML:
		return d.fragment(v.start, v.end, o.sec, depth+1)
	case v.t&typeArray != 0:
		n := len(d.pend)
		forEachElement(v.t&^typeArray, d.chunk[v.start:v.end], func(t byte, e []byte) {
			a := len(d.scratch)
			d.scratch = appendValue(d.scratch, t, e)
			d.pend = append(d.pend, pending{id: id, a: int32(a), b: int32(len(d.scratch))})
		})
		if len(d.pend) == n && o.keepEmpty { // an empty array still makes one empty item
			d.pend = append(d.pend, pending{id: id, a: -1})
		}
	default:
		a := len(d.scratch)
		b := d.chunk[v.start:v.end]
		d.scratch = appendValue(d.scratch, v.t, b)
		var ft uint64
		if o.sys == sysTime && v.t == typeFileTime && len(b) == 8 {
			ft = binary.LittleEndian.Uint64(b)
		}
		d.addSpan(o, id, a, ft)
	}
	return nil
}

func (d *decoder) addSpan(o *op, id event.FieldID, a int, ft uint64) {
	if len(d.scratch) == a && !o.keepEmpty {
		return
	}
	d.pend = append(d.pend, pending{id: id, a: int32(a), b: int32(len(d.scratch)), sys: o.sys, ft: ft})
}

// appendJoined renders a value into scratch as part of a longer text; array
// elements are joined with commas and nested BinXML contributes nothing.
func (d *decoder) appendJoined(v value) {
	if v.t&typeArray == 0 {
		d.scratch = appendValue(d.scratch, v.t, d.chunk[v.start:v.end])
		return
	}
	first := true
	forEachElement(v.t&^typeArray, d.chunk[v.start:v.end], func(t byte, e []byte) {
		if !first {
			d.scratch = append(d.scratch, ',')
		}
		first = false
		d.scratch = appendValue(d.scratch, t, e)
	})
}

// dynamicName renders a field name given by substitutions; an empty name
// falls back to "Data".
func (d *decoder) dynamicName(parts []part, vals []value) event.FieldID {
	d.tmp = d.tmp[:0]
	for _, p := range parts {
		if p.sub < 0 {
			d.tmp = append(d.tmp, p.text...)
		} else if v, ok := lookup(vals, p.sub); ok && v.t&typeArray == 0 {
			d.tmp = appendValue(d.tmp, v.t, d.chunk[v.start:v.end])
		}
	}
	if len(d.tmp) == 0 {
		return fieldData
	}
	return event.InternBytes(d.tmp)
}

// flush adds the pending fields to ev. All rendered values of the record
// become one string, so a record costs one allocation for its values.
func (d *decoder) flush(ev *event.Event) {
	var block string
	if len(d.scratch) > 0 {
		block = string(d.scratch)
	}
	for _, p := range d.pend {
		s := p.s
		if p.a >= 0 {
			s = block[p.a:p.b]
		}
		ev.Add(p.id, s)
		switch p.sys {
		case sysHost:
			if ev.Host == "" {
				ev.Host = s
			}
		case sysRecord:
			if ev.Record == 0 {
				ev.Record, _ = strconv.ParseUint(s, 10, 64)
			}
		case sysTime:
			if !ev.Time.IsZero() {
				break
			}
			if p.ft != 0 {
				ev.Time = fileTime(p.ft)
			} else if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				ev.Time = t.UTC()
			}
		}
	}
}
