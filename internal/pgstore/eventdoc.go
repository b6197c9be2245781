package pgstore

import (
	"unicode/utf8"
)

// fieldsDoc builds an event's fields document (indexDoc's JSON) directly,
// without the maps and reflection of encoding/json, which cost more than
// the rest of indexing an event. Values of a repeated field name go in
// one list, in order, as jsonb keeps only one of two equal keys.
type fieldsDoc struct {
	pos    map[string]int // field name to its place in groups
	groups []fieldGroup
	meta   [5]string // in metaNames' order
}

// fieldGroup is a field name and its values in one event.
type fieldGroup struct {
	name   string
	values []string
}

// metaNames are the metadata's names in the document, in meta's order.
var metaNames = [5]string{"host", "source", "product", "category", "service"}

// reset starts an event. The names and values added must stay unchanged
// until encode.
func (d *fieldsDoc) reset() {
	if d.pos == nil {
		d.pos = make(map[string]int)
	}
	clear(d.pos)
	for i := range d.groups {
		d.groups[i].values = d.groups[i].values[:0]
	}
	d.groups = d.groups[:0]
}

// add adds a value of the field name, which must be valid UTF-8.
func (d *fieldsDoc) add(name, v string) {
	i, ok := d.pos[name]
	if !ok {
		i = len(d.groups)
		d.pos[name] = i
		if i < cap(d.groups) {
			d.groups = d.groups[:i+1]
			d.groups[i].name = name
		} else {
			d.groups = append(d.groups, fieldGroup{name: name})
		}
	}
	d.groups[i].values = append(d.groups[i].values, v)
}

// encode returns the document in a new slice.
func (d *fieldsDoc) encode() []byte {
	n := 32
	for _, g := range d.groups {
		n += len(g.name) + 8
		for _, v := range g.values {
			n += len(v) + 3
		}
	}
	b := make([]byte, 0, n+64)
	b = append(b, `{"f":{`...)
	for i, g := range d.groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONList(appendJSONString(b, g.name), g.values...)
	}
	b = append(b, `},"m":{`...)
	for i, name := range metaNames {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONList(appendJSONString(b, name), d.meta[i])
	}
	return append(b, "}}"...)
}

// appendJSONList appends ":" and the values as a JSON list.
func appendJSONList(b []byte, values ...string) []byte {
	b = append(b, ":["...)
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, v)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as a JSON string that decodes to what
// encoding/json's encoding of s decodes to: invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\t':
				b = append(b, '\\', 't')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
