// Package event defines Event, the one record every stage of Vigil passes on:
// when it happened, where it came from, and its fields. Field access is by
// interned FieldID in constant time, so compiled rules never look fields up
// by name.
package event

import (
	"slices"
	"strings"
	"time"
	"unsafe"
)

// Well-known fields, named as the Sigma taxonomy and Windows' System element
// name them. Parsers map their own layouts onto these names.
var (
	Channel     = Intern("Channel")
	EventID     = Intern("EventID")
	Provider    = Intern("Provider_Name")
	Computer    = Intern("Computer")
	RecordID    = Intern("EventRecordID")
	TimeCreated = Intern("TimeCreated")
)

// LogSource is the Sigma log source (product, category, service) that an
// input declares for its events; empty fields are unknown. Windows events
// usually leave it empty: their log source follows from Channel and EventID.
type LogSource struct {
	Product  string
	Category string
	Service  string
}

// Field is one field of an event. A field may occur more than once (a JSON
// array, repeated unnamed EventData elements); all values are kept.
type Field struct {
	ID     FieldID
	Value  string
	next   int32 // index+1 of the next value of the same field, 0 if none
	lower  string
	folded bool
}

type slot struct {
	gen   uint32
	first int32 // index+1 into fields
	last  int32
}

// Event is one security event. The zero value is empty and ready to use.
//
// Ownership: a source fills an Event that its caller owns and reuses; the
// event and its strings are valid until the caller's next Reset. A consumer
// that keeps an event beyond that must Clone it.
type Event struct {
	Time      time.Time // when it happened (event time, UTC)
	Source    string    // where it came from: the input file as given, or the listener
	Record    uint64    // EVTX EventRecordID, or the line number for text inputs
	Host      string    // the computer it happened on, if known
	LogSource LogSource // as declared by the input, if it declares one

	fields []Field
	slots  []slot
	gen    uint32
	arena  []byte // backs values added with AddBytes; reused after Reset
}

// Reset empties e for reuse, keeping its storage.
func (e *Event) Reset() {
	e.Time = time.Time{}
	e.Source, e.Host = "", ""
	e.Record = 0
	e.LogSource = LogSource{}
	clear(e.fields) // drop string references so they can be collected
	e.fields = e.fields[:0]
	e.arena = e.arena[:0]
	e.gen++
	if e.gen == 0 { // wrapped: stale stamps could look current
		clear(e.slots)
		e.gen = 1
	}
}

// Add appends a value for field id. Repeated fields keep every value.
func (e *Event) Add(id FieldID, value string) {
	if e.gen == 0 {
		e.gen = 1
	}
	if int(id) >= len(e.slots) {
		n := min(max(int(id)+1, NumFields(), 2*len(e.slots)), MaxFields)
		s := make([]slot, n)
		copy(s, e.slots)
		e.slots = s
	}
	e.fields = append(e.fields, Field{ID: id, Value: value})
	pos := int32(len(e.fields))
	s := &e.slots[id]
	if s.gen != e.gen {
		*s = slot{gen: e.gen, first: pos, last: pos}
		return
	}
	e.fields[s.last-1].next = pos
	s.last = pos
}

// Grow makes room for n more field values, so that adding them grows the
// event's storage at most once. A producer that knows how many values it
// is about to add (a parsed record) calls it first; otherwise the storage
// of a new event grows in five or six steps.
func (e *Event) Grow(n int) {
	e.fields = slices.Grow(e.fields, n)
}

// AddBytes appends a copy of value for field id. The copy lives in the
// event's own arena, so it stays valid until e is Reset, whatever the caller
// later does with value; after Reset the arena is reused.
func (e *Event) AddBytes(id FieldID, value []byte) {
	e.Add(id, e.store(value))
}

// store copies b into the arena. When the arena is full a new one is
// started rather than grown in place, so strings already handed out keep
// pointing at memory that is not rewritten before Reset.
func (e *Event) store(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(e.arena)-len(e.arena) < len(b) {
		e.arena = make([]byte, 0, max(4096, 2*cap(e.arena), len(b)))
	}
	start := len(e.arena)
	e.arena = append(e.arena, b...)
	return unsafe.String(&e.arena[start], len(b))
}

// CopyFrom makes e a copy of src whose values live in e's arena, so that e
// stays valid after src is reset. Reusing e makes copying allocation-free
// once its arena has grown to fit.
func (e *Event) CopyFrom(src *Event) {
	e.Reset()
	e.Time, e.Record, e.LogSource = src.Time, src.Record, src.LogSource
	e.Source = src.Source // sources name inputs; they outlive their events
	e.Host = e.store(unsafe.Slice(unsafe.StringData(src.Host), len(src.Host)))
	for _, f := range src.fields {
		e.AddBytes(f.ID, unsafe.Slice(unsafe.StringData(f.Value), len(f.Value)))
	}
}

// Set adds a value for the named field.
func (e *Event) Set(name, value string) { e.Add(Intern(name), value) }

// Get returns the first value of field id.
func (e *Event) Get(id FieldID) (string, bool) {
	if i := e.first(id); i >= 0 {
		return e.fields[i].Value, true
	}
	return "", false
}

// GetName returns the first value of the named field.
func (e *Event) GetName(name string) (string, bool) {
	id, ok := Lookup(name)
	if !ok {
		return "", false
	}
	return e.Get(id)
}

// Has reports whether field id is present (even with an empty value).
func (e *Event) Has(id FieldID) bool { return e.first(id) >= 0 }

// first returns the index of the first value of id, or -1.
func (e *Event) first(id FieldID) int {
	if int(id) >= len(e.slots) {
		return -1
	}
	s := e.slots[id]
	if s.gen != e.gen || e.gen == 0 {
		return -1
	}
	return int(s.first - 1)
}

// Index returns the position of the first value of field id, for use with
// Next, Value and Lower; -1 when the field is absent.
//
//	for i := ev.Index(id); i >= 0; i = ev.Next(i) { ... ev.Value(i) ... }
func (e *Event) Index(id FieldID) int { return e.first(id) }

// Next returns the position of the next value of the same field after
// position i, or -1.
func (e *Event) Next(i int) int { return int(e.fields[i].next) - 1 }

// Len is the number of field values in the event.
func (e *Event) Len() int { return len(e.fields) }

// Field returns the field at position i, in the order added.
func (e *Event) Field(i int) (FieldID, string) { return e.fields[i].ID, e.fields[i].Value }

// Value returns the value at position i.
func (e *Event) Value(i int) string { return e.fields[i].Value }

// Lower returns the value at position i lower-cased, computed once per event
// and cached, so that many case-insensitive rules fold each value only once.
func (e *Event) Lower(i int) string {
	f := &e.fields[i]
	if !f.folded {
		f.lower = ToLowerASCII(f.Value)
		f.folded = true
	}
	return f.lower
}

// Clone returns a deep copy of e that its caller may keep.
func (e *Event) Clone() *Event {
	c := &Event{Time: e.Time, Source: strings.Clone(e.Source), Record: e.Record, Host: strings.Clone(e.Host), LogSource: LogSource{
		Product: strings.Clone(e.LogSource.Product), Category: strings.Clone(e.LogSource.Category), Service: strings.Clone(e.LogSource.Service),
	}}
	c.fields = make([]Field, 0, len(e.fields))
	for _, f := range e.fields {
		c.Add(f.ID, strings.Clone(f.Value))
	}
	return c
}

// Map renders the fields as a map for output: a field with one value maps to
// a string, a repeated field to a list of strings. The strings are copies,
// so the map outlives the event.
func (e *Event) Map() map[string]any {
	m := make(map[string]any, len(e.fields))
	for i, f := range e.fields {
		if e.first(f.ID) != i {
			continue
		}
		if f.next == 0 {
			m[f.ID.String()] = strings.Clone(f.Value)
			continue
		}
		var vs []string
		for j := i; j >= 0; j = e.Next(j) {
			vs = append(vs, strings.Clone(e.fields[j].Value))
		}
		m[f.ID.String()] = vs
	}
	return m
}
