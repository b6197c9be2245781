package evtx

import (
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

// section is where in the event document a template or nested value sits; it
// decides how elements become fields.
type section uint8

const (
	secRoot      section = iota // the Event element, or a fragment at its level
	secSystem                   // children of System: fixed names
	secEventData                // children of EventData: <Data Name="X">
	secUserData                 // UserData and other sections: leaf elements
)

// sysField marks the System fields that also fill Event metadata.
type sysField uint8

const (
	sysNone   sysField = iota
	sysTime            // TimeCreated -> ev.Time
	sysRecord          // EventRecordID -> ev.Record
	sysHost            // Computer -> ev.Host
)

// op is one step of a compiled template: emit a field, or decode a nested
// BinXML substitution value.
type op struct {
	nested    bool
	sub       int32   // nested: the substitution index
	sec       section // where a nested value or a BinXML field value is decoded
	field     event.FieldID
	name      []part // a field name given by a substitution (<Data Name="%1">), else nil
	parts     []part
	static    string // the value when parts hold no substitution
	dynamic   bool
	keepEmpty bool // EventData and UserData keep empty values; System drops them
	sys       sysField
}

// plan is a compiled template: the fields it yields, in document order.
type plan struct {
	ops []op
	err error
}

var fieldData = event.Intern("Data")

func sysFor(id event.FieldID) sysField {
	switch id {
	case event.TimeCreated:
		return sysTime
	case event.RecordID:
		return sysRecord
	case event.Computer:
		return sysHost
	}
	return sysNone
}

type compiler struct{ ops []op }

// compile turns an element tree met in section sec into a plan.
func compile(n *node, sec section) *plan {
	var c compiler
	c.element(n, sec)
	return &plan{ops: c.ops}
}

func (c *compiler) element(n *node, sec section) {
	switch sec {
	case secRoot:
		switch n.name.s {
		case "Event":
			c.container(n, secRoot)
		case "System":
			c.container(n, secSystem)
		case "EventData":
			c.container(n, secEventData)
		case "UserData":
			c.container(n, secUserData)
		case "RenderingInfo":
			// Localised message text; its Level, Task and Keywords would
			// repeat the System fields with other values.
		default:
			c.data(n, secUserData)
		}
	case secSystem:
		c.system(n)
	default:
		c.data(n, sec)
	}
}

// container compiles a section element's children. A substitution in its
// own content can only be a nested BinXML value in that section.
func (c *compiler) container(n *node, sec section) {
	for _, k := range n.kids {
		c.element(k, sec)
	}
	for _, p := range n.parts {
		if p.sub >= 0 {
			c.ops = append(c.ops, op{nested: true, sub: p.sub, sec: sec})
		}
	}
}

// system compiles a child of System: its mapped attributes, then its text.
func (c *compiler) system(n *node) {
	for _, a := range n.attrs {
		if id := event.SystemAttr(n.name.s, a.name.s); id != 0 {
			c.field(op{field: id, sys: sysFor(id), sec: secSystem}, a.parts)
		}
	}
	if len(n.kids) > 0 {
		c.container(n, secSystem)
		return
	}
	if len(n.parts) > 0 {
		id := n.name.field()
		c.field(op{field: id, sys: sysFor(id), sec: secSystem}, n.parts)
	}
}

// data compiles an element of EventData, UserData or another section: a
// leaf becomes a field named by its Name attribute when it is a Data element
// that has one, else by the element's own name.
func (c *compiler) data(n *node, sec section) {
	if len(n.kids) > 0 {
		c.container(n, secUserData)
		return
	}
	o := op{field: n.name.field(), keepEmpty: true, sec: secUserData}
	if n.name.s == "Data" {
		o.field = fieldData
		for _, a := range n.attrs {
			if a.name.s != "Name" {
				continue
			}
			if s, ok := staticText(a.parts); !ok {
				o.name = a.parts
			} else if s != "" {
				o.field = event.Intern(s)
			}
		}
	}
	c.field(o, n.parts)
}

// field finishes a field op from its text parts: adjacent static text is
// merged, and text without substitutions is rendered once, here.
func (c *compiler) field(o op, parts []part) {
	if s, ok := staticText(parts); ok {
		o.static = s
	} else {
		o.dynamic = true
		o.parts = mergeStatic(parts)
	}
	c.ops = append(c.ops, o)
}

func staticText(parts []part) (string, bool) {
	var b strings.Builder
	for _, p := range parts {
		if p.sub >= 0 {
			return "", false
		}
		b.WriteString(p.text)
	}
	return b.String(), true
}

func mergeStatic(parts []part) []part {
	out := make([]part, 0, len(parts))
	for _, p := range parts {
		if n := len(out); n > 0 && p.sub < 0 && out[n-1].sub < 0 {
			out[n-1].text += p.text
			continue
		}
		out = append(out, p)
	}
	return out
}
