package winjson

import (
	"sync"

	"github.com/vigilhealth/vigil/internal/event"
)

// Decode reads data, one JSON object holding one event, into ev. It resets
// ev first. The fields are copied out of data (ev's strings do not alias
// data), so the caller may reuse data at once. On error ev is left empty
// and the error is a *SyntaxError naming the byte offset and what is wrong.
//
// ev.Host is the event's Computer, ev.Record its EventRecordID (0 when
// absent) and ev.Time its creation time in UTC (see the package comment for
// which field wins); ev.LogSource is filled from a "logsource" object.
func Decode(data []byte, ev *event.Event) error { return decodeOne(data, ev, false) }

// DecodeReuse is Decode for a caller that reuses ev and keeps none of its
// strings past ev's next Reset, as the event.Event contract allows: the
// values are copied into ev's own arena (event.Event.AddBytes), so that
// decoding allocates nothing once ev has grown to fit. Decode instead
// gives each event fresh strings, which callers may keep.
func DecodeReuse(data []byte, ev *event.Event) error { return decodeOne(data, ev, true) }

func decodeOne(data []byte, ev *event.Event, reuse bool) error {
	d := decoders.Get().(*decoder)
	d.reuse = reuse
	_, err := d.decode(data, ev, false)
	decoders.Put(d)
	return err
}

// decoders recycles decoders, whose buffers and name caches are what make
// repeated decoding cheap.
var decoders = sync.Pool{New: func() any { return newDecoder() }}

// pendingKind says where a pending value goes.
type pendingKind uint8

const (
	toField pendingKind = iota
	toProduct
	toCategory
	toService
)

// pending is a value waiting to be added to the event once the whole object
// has parsed: values collect in one arena that becomes one string (or, for
// DecodeReuse, is copied into the event's arena), so an event costs at
// most one allocation however many fields it has, and a malformed object
// leaves the event untouched.
type pending struct {
	id       event.FieldID
	kind     pendingKind
	off, end int32
}

// decoder holds the state for decoding one object at a time.
type decoder struct {
	s       scanner
	arena   []byte
	pend    []pending
	path    []byte    // dotted name of the value being flattened
	keyBuf  []byte    // unescaped key
	scratch []byte    // converted numbers
	flat    nameCache // dotted names of flat layouts, renamed
	plain   nameCache // names as written
	// logsources holds the log source names met so far.
	logsources stringCache
	recSeen    bool // EventRecordID was present and numeric
	reuse      bool // values go into the event's arena (DecodeReuse)
}

func newDecoder() *decoder { return new(decoder) }

// decode reads one object from data into ev. With prefix set, data may go
// on after the object, and decode returns where the object ends.
func (d *decoder) decode(data []byte, ev *event.Event, prefix bool) (end int, err error) {
	ev.Reset()
	d.s = scanner{data: data}
	d.arena = d.arena[:0]
	d.pend = d.pend[:0]
	d.path = d.path[:0]
	d.recSeen = false
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			ev.Reset()
			end, err = 0, se
		}
	}()
	d.top(prefix)
	d.finish(ev)
	return d.s.pos, nil
}

// keyText returns the key's text, unescaped into a scratch buffer when it
// holds escapes. The result is valid until the next key is read.
func (d *decoder) keyText(raw []byte, esc bool) []byte {
	if !esc {
		return raw
	}
	d.keyBuf = appendUnescaped(d.keyBuf[:0], raw)
	return d.keyBuf
}

// nextKey reads an object key and returns its text.
func (d *decoder) nextKey() []byte { return d.keyText(d.s.key()) }

// emit queues a string value (raw, escaped when esc) for field id.
func (d *decoder) emit(id event.FieldID, kind pendingKind, raw []byte, esc bool) {
	off := len(d.arena)
	if esc {
		d.arena = appendUnescaped(d.arena, raw)
	} else {
		d.arena = append(d.arena, raw...)
	}
	d.pend = append(d.pend, pending{id: id, kind: kind, off: int32(off), end: int32(len(d.arena))})
}

// plainID interns a name as it is written.
func (d *decoder) plainID(name []byte) event.FieldID {
	if id, ok := d.plain.get(name); ok {
		return id
	}
	id := event.InternBytes(name)
	d.plain.put(name, id)
	return id
}

// flatID interns the dotted name in d.path after applying the renames of
// flat layouts (nxlog, Winlogbeat).
func (d *decoder) flatID() event.FieldID {
	if id, ok := d.flat.get(d.path); ok {
		return id
	}
	id := event.Intern(rename(string(d.path)))
	d.flat.put(d.path, id)
	return id
}

// scalar queues the scalar value at the scanner for field id, converting as
// the package comment describes; it reports false for a value that is not a
// scalar (object or array), which it leaves unread.
func (d *decoder) scalar(id event.FieldID, kind pendingKind, nullAsEmpty bool) bool {
	s := &d.s
	switch c := s.peek(); c {
	case '"':
		raw, esc := s.str()
		d.emit(id, kind, raw, esc)
	case 't':
		s.literal("true")
		d.emit(id, kind, []byte("true"), false)
	case 'f':
		s.literal("false")
		d.emit(id, kind, []byte("false"), false)
	case 'n':
		s.literal("null")
		if nullAsEmpty {
			d.emit(id, kind, nil, false)
		}
	case '{', '[':
		return false
	default:
		if c != '-' && (c < '0' || c > '9') {
			s.fail(s.pos, "unexpected %s, want a value", s.describe(s.pos))
		}
		num := s.number()
		if id == keywords {
			d.scratch = keywordsHex(d.scratch[:0], num)
			num = d.scratch
		}
		d.emit(id, kind, num, false)
	}
	return true
}

// finish moves the queued values into ev and derives its metadata. The
// values become one new string, the event's one allocation, or with
// d.reuse are copied into ev's own arena; log source names, which repeat,
// are shared strings either way.
func (d *decoder) finish(ev *event.Event) {
	var str string
	if !d.reuse {
		str = string(d.arena)
	}
	for _, p := range d.pend {
		switch {
		case p.kind != toField:
			setLogSource(ev, p.kind, d.logsources.get(d.arena[p.off:p.end]))
		case d.reuse:
			ev.AddBytes(p.id, d.arena[p.off:p.end])
		default:
			ev.Add(p.id, str[p.off:p.end])
		}
	}
	ev.Host, _ = ev.Get(event.Computer)
	if v, ok := ev.Get(event.RecordID); ok {
		if n, ok := parseUint(v); ok {
			ev.Record = n
			d.recSeen = true
		}
	}
	ev.Time = eventTime(ev)
}

// setLogSource sets the part of ev.LogSource that kind names.
func setLogSource(ev *event.Event, kind pendingKind, v string) {
	switch kind {
	case toProduct:
		ev.LogSource.Product = v
	case toCategory:
		ev.LogSource.Category = v
	case toService:
		ev.LogSource.Service = v
	}
}
