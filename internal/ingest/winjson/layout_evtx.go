package winjson

import (
	"bytes"

	"github.com/vigilhealth/vigil/internal/event"
)

// This file reads the evtx_dump layout: the Windows event XML rendered to
// JSON, where an element is a scalar (its text), null (empty), an array
// (repeated elements) or an object holding "#attributes", "#text" and child
// elements. Attributes may also come as "@Name" members (xmltodict) or as a
// sibling "Element_attributes" object (evtx_dump --separate-json-attributes).

var dataID = event.Intern("Data")

// System elements whose values live in attributes.
type sysElem uint8

const (
	sysOther sysElem = iota
	sysProvider
	sysTimeCreated
	sysCorrelation
	sysExecution
	sysSecurity
)

func sysElemOf(name []byte) sysElem {
	switch string(name) {
	case "Provider":
		return sysProvider
	case "TimeCreated":
		return sysTimeCreated
	case "Correlation":
		return sysCorrelation
	case "Execution":
		return sysExecution
	case "Security":
		return sysSecurity
	}
	return sysOther
}

// sysAttrID names the field for attribute attr of System element e, or 0
// for attributes the contract leaves out (EventID's Qualifiers, for one).
func sysAttrID(e sysElem, attr []byte) event.FieldID {
	return event.SystemAttr(sysElemNames[e], string(attr))
}

var sysElemNames = [...]string{
	sysProvider:    "Provider",
	sysTimeCreated: "TimeCreated",
	sysCorrelation: "Correlation",
	sysExecution:   "Execution",
	sysSecurity:    "Security",
}

// mainAttr is the field a System element's scalar stands for when a
// producer wrote the element as a plain value ("Provider": "Name").
func mainAttr(e sysElem) event.FieldID {
	switch e {
	case sysProvider:
		return event.Provider
	case sysTimeCreated:
		return event.TimeCreated
	case sysSecurity:
		return event.UserID
	}
	return 0
}

func isAttrKey(key []byte) bool {
	return string(key) == "#attributes" || isAt(key) || bytes.HasSuffix(key, []byte("_attributes"))
}

// isAt reports an "@Name" attribute key, as xmltodict writes them.
func isAt(key []byte) bool { return len(key) > 0 && key[0] == '@' }

// evtxEvent reads the object under "Event".
func (d *decoder) evtxEvent() {
	s := &d.s
	s.enter('{')
	for first := true; s.more('}', &first); {
		key := d.nextKey()
		switch string(key) {
		case "System":
			d.system()
		case "EventData":
			d.eventData()
		case "RenderingInfo":
			// Localised text whose Level, Task and Keywords would repeat
			// System's with other values; the EVTX reader drops it too.
			s.skip()
		default:
			if isAttrKey(key) {
				s.skip()
				continue
			}
			d.element(0) // UserData, and any other section, by its leaves
		}
	}
}

// system reads the System element.
func (d *decoder) system() {
	s := &d.s
	if s.peek() != '{' {
		s.skip()
		return
	}
	s.enter('{')
	for first := true; s.more('}', &first); {
		key := d.nextKey()
		if elem, ok := bytes.CutSuffix(key, []byte("_attributes")); ok {
			d.sysAttrs(sysElemOf(elem))
			continue
		}
		if e := sysElemOf(key); e != sysOther {
			d.sysAttrElement(e)
			continue
		}
		if isAttrKey(key) {
			s.skip()
			continue
		}
		d.text(d.plainID(key), false)
	}
}

// sysAttrElement reads a System element whose fields are its attributes.
func (d *decoder) sysAttrElement(e sysElem) {
	s := &d.s
	if s.peek() != '{' {
		if id := mainAttr(e); id != 0 && d.scalar(id, toField, false) {
			return
		}
		s.skip()
		return
	}
	s.enter('{')
	for first := true; s.more('}', &first); {
		key := d.nextKey()
		switch {
		case string(key) == "#attributes":
			d.sysAttrs(e)
		case isAt(key):
			d.sysAttr(sysAttrID(e, key[1:]))
		default:
			s.skip()
		}
	}
}

// sysAttrs reads an attributes object of System element e.
func (d *decoder) sysAttrs(e sysElem) {
	s := &d.s
	if s.peek() != '{' {
		s.skip()
		return
	}
	s.enter('{')
	for first := true; s.more('}', &first); {
		d.sysAttr(sysAttrID(e, d.nextKey()))
	}
}

// sysAttr reads one attribute value into field id, or skips it when id is 0.
func (d *decoder) sysAttr(id event.FieldID) {
	if id == 0 || !d.scalar(id, toField, false) {
		d.s.skip()
	}
}

// text reads an element's text into field id: a scalar, the "#text" of an
// object, or each of an array. Attributes and children are left out.
func (d *decoder) text(id event.FieldID, nullAsEmpty bool) {
	s := &d.s
	switch s.peek() {
	case '[':
		s.enter('[')
		for first := true; s.more(']', &first); {
			d.text(id, nullAsEmpty)
		}
	case '{':
		s.enter('{')
		for first := true; s.more('}', &first); {
			if string(d.nextKey()) == "#text" {
				d.text(id, nullAsEmpty)
			} else {
				s.skip()
			}
		}
	default:
		d.scalar(id, toField, nullAsEmpty)
	}
}

// eventData reads EventData: named Data elements (evtx_dump turns
// <Data Name="X"> into member X) and unnamed ones under "Data".
func (d *decoder) eventData() {
	s := &d.s
	if s.peek() != '{' {
		s.skip()
		return
	}
	s.enter('{')
	for first := true; s.more('}', &first); {
		key := d.nextKey()
		switch {
		case isAttrKey(key):
			s.skip()
		case string(key) == "Data":
			d.data()
		default:
			d.element(d.plainID(key))
		}
	}
}

// data reads the value of a "Data" member: one element or an array of them.
func (d *decoder) data() {
	s := &d.s
	switch s.peek() {
	case '[':
		s.enter('[')
		for first := true; s.more(']', &first); {
			d.data()
		}
	case '{':
		d.dataObject()
	default:
		d.scalar(dataID, toField, true)
	}
}

// dataObject reads a Data element with attributes: its Name attribute, when
// present, names the field; its text may come before the name, so the
// queued values are renamed at the end.
func (d *decoder) dataObject() {
	s := &d.s
	s.enter('{')
	start := len(d.pend)
	var name event.FieldID
	hasText := false
	for first := true; s.more('}', &first); {
		key := d.nextKey()
		switch string(key) {
		case "#attributes":
			if id := d.nameAttr(); id != 0 {
				name = id
			}
		case "@Name":
			if s.peek() == '"' {
				name = d.plainID(d.keyText(s.str()))
			} else {
				s.skip()
			}
		case "#text":
			d.text(dataID, true)
			hasText = true
		default:
			s.skip()
		}
	}
	if !hasText {
		d.emit(dataID, toField, nil, false)
	}
	if name != 0 {
		for i := start; i < len(d.pend); i++ {
			d.pend[i].id = name
		}
	}
}

// nameAttr reads an attributes object and returns the field named by its
// Name attribute, or 0.
func (d *decoder) nameAttr() event.FieldID {
	s := &d.s
	if s.peek() != '{' {
		s.skip()
		return 0
	}
	var id event.FieldID
	s.enter('{')
	for first := true; s.more('}', &first); {
		if string(d.nextKey()) == "Name" && s.peek() == '"' {
			id = d.plainID(d.keyText(s.str()))
			continue
		}
		s.skip()
	}
	return id
}

// element reads an element of EventData or UserData named id: its text is
// field id (empty for null, as <X/> is) and its child elements are read
// the same way. Attributes are left out, as the EVTX reader leaves them
// out, so that the JSON and binary forms of an event give the same fields.
// The UserData wrapper passes id 0: it has no text of its own.
func (d *decoder) element(id event.FieldID) {
	s := &d.s
	switch s.peek() {
	case '{':
		d.elementObject(id)
	case '[':
		s.enter('[')
		for first := true; s.more(']', &first); {
			d.element(id)
		}
	default:
		if id == 0 {
			s.skip()
			return
		}
		d.scalar(id, toField, true)
	}
}

func (d *decoder) elementObject(id event.FieldID) {
	s := &d.s
	s.enter('{')
	start := len(d.pend)
	content := false
	for first := true; s.more('}', &first); {
		key := d.nextKey()
		switch {
		case isAttrKey(key):
			s.skip()
		case string(key) == "#text":
			content = true
			if id == 0 {
				s.skip()
			} else {
				d.text(id, true)
			}
		default:
			content = true
			d.element(d.childID(key, start))
		}
	}
	if !content && id != 0 {
		d.emit(id, toField, nil, false) // an empty element, attributes aside
	}
}

// dupLookBack bounds how far back childID looks for a repeated sibling's
// base name, so that hostile input with many such names stays linear.
const dupLookBack = 256

// childID names a child element. evtx_dump renames repeated siblings
// Header, Header_1, Header_2...; when the base name has been seen among
// the latest values of this element the child becomes another value of
// it, as in the XML.
func (d *decoder) childID(key []byte, start int) event.FieldID {
	if base, ok := dupBase(key); ok {
		bid := d.plainID(base)
		for _, p := range d.pend[max(start, len(d.pend)-dupLookBack):] {
			if p.id == bid {
				return bid
			}
		}
	}
	return d.plainID(key)
}

// dupBase splits "Name_12" into "Name".
func dupBase(key []byte) ([]byte, bool) {
	i := bytes.LastIndexByte(key, '_')
	if i <= 0 || i == len(key)-1 {
		return nil, false
	}
	for _, c := range key[i+1:] {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	return key[:i], true
}
