package evtx

import (
	"encoding/binary"
	"unicode/utf8"
)

// part is one piece of an element's or attribute's text: static text, or a
// reference to a substitution value of the template instance.
type part struct {
	text string
	sub  int32 // substitution index, -1 for static text
	opt  bool  // optional substitution: a NULL value removes the item
}

type attr struct {
	name  *name
	parts []part
}

// node is an element of a template definition or of a written-out fragment.
type node struct {
	name  *name
	attrs []attr
	kids  []*node
	parts []part // text content, in order; mixed content keeps only text
}

// parser reads BinXML tokens from c[pos:end] into a tree of nodes.
type parser struct {
	d        *decoder
	c        []byte
	pos, end int
	nested   bool // inside a BinXML substitution value, where element starts may lack the dependency identifier

	// When parsing a template definition: where it starts, the section it
	// is compiled for, and every name it refers to, so that the compiled
	// template can be matched against the same definition in another chunk.
	def  int
	sec  section
	refs []nameUse
}

func (p *parser) need(n int, what string) error {
	if p.end-p.pos < n {
		return errAt(p.pos, "%s truncated", what)
	}
	return nil
}

// element reads an element from its open-start token to its end.
func (p *parser) element(depth int) (*node, error) {
	if depth > maxElementDepth {
		return nil, errAt(p.pos, "elements nested more than %d deep", maxElementDepth)
	}
	hasAttrs := p.c[p.pos]&0x40 != 0
	p.pos++
	nm, err := p.elementName()
	if err != nil {
		return nil, err
	}
	n := &node{name: nm}
	if hasAttrs {
		if err := p.need(4, "attribute list"); err != nil {
			return nil, err
		}
		p.pos += 4
	}
	for {
		if err := p.need(1, "element start"); err != nil {
			return nil, err
		}
		switch t := p.c[p.pos]; t {
		case 0x06, 0x46:
			p.pos++
			an, err := p.name()
			if err != nil {
				return nil, err
			}
			a := attr{name: an}
			if a.parts, err = p.text(nil); err != nil {
				return nil, err
			}
			n.attrs = append(n.attrs, a)
		case 0x02:
			p.pos++
			return n, p.content(n, depth)
		case 0x03:
			p.pos++
			return n, nil
		default:
			return nil, errAt(p.pos, "unexpected BinXML token %#x in the start of element %q", t, nm.s)
		}
	}
}

// elementName reads the rest of an element start: an optional 2-byte
// dependency identifier, the 4-byte data size and the name reference. The
// identifier is absent in some nested values, so both layouts are tried: an
// inline name's offset points just past itself, which settles the question;
// otherwise a name already seen at the offset does.
func (p *parser) elementName() (*name, error) {
	c, q, le := p.c, p.pos, binary.LittleEndian
	withDep := !p.nested
	switch {
	case p.end-q >= 10 && int(le.Uint32(c[q+6:])) == q+10:
		withDep = true
	case p.end-q >= 8 && int(le.Uint32(c[q+4:])) == q+8:
		withDep = false
	case p.end-q >= 10 && p.known(le.Uint32(c[q+6:])):
		withDep = true
	case p.end-q >= 8 && p.known(le.Uint32(c[q+4:])):
		withDep = false
	}
	if withDep {
		q += 2
	}
	p.pos = q
	if err := p.need(8, "element start"); err != nil {
		return nil, err
	}
	p.pos += 4 // data size: the end token delimits the element instead
	return p.name()
}

func (p *parser) known(off uint32) bool {
	_, ok := p.d.names[off]
	return ok
}

// name reads a 4-byte name offset; a name stored inline right after it is
// stepped over.
func (p *parser) name() (*name, error) {
	if err := p.need(4, "name offset"); err != nil {
		return nil, err
	}
	off := int(binary.LittleEndian.Uint32(p.c[p.pos:]))
	p.pos += 4
	ref, err := p.d.nameAt(off, p.pos-4)
	if err != nil {
		return nil, err
	}
	if p.def > 0 {
		p.refs = append(p.refs, nameUse{rel: p.pos - 4 - p.def, inline: off == p.pos, n: ref.n})
	}
	if off == p.pos {
		if ref.size > p.end-p.pos {
			return nil, errAt(p.pos, "name %q overruns its fragment", ref.n.s)
		}
		p.pos += ref.size
	}
	return ref.n, nil
}

// content reads an element's content up to its end token.
func (p *parser) content(n *node, depth int) error {
	for {
		if err := p.need(1, "element content"); err != nil {
			return err
		}
		switch t := p.c[p.pos]; t {
		case 0x04:
			p.pos++
			return nil
		case 0x01, 0x41:
			kid, err := p.element(depth + 1)
			if err != nil {
				return err
			}
			n.kids = append(n.kids, kid)
		case 0x0a: // processing instruction target
			p.pos++
			if _, err := p.name(); err != nil {
				return err
			}
		case 0x0b: // processing instruction data
			p.pos++
			if _, err := p.utf16String(); err != nil {
				return err
			}
		default:
			parts, err := p.text(n.parts)
			if err != nil {
				return err
			}
			if len(parts) == len(n.parts) {
				return errAt(p.pos, "unexpected BinXML token %#x in element %q", t, n.name.s)
			}
			n.parts = parts
		}
	}
}

// text appends the run of text tokens at pos (values, substitutions,
// character and entity references, CDATA) to parts.
func (p *parser) text(parts []part) ([]part, error) {
	for p.pos < p.end {
		t := p.c[p.pos]
		switch t {
		case 0x05, 0x45:
			p.pos++
			s, err := p.valueText()
			if err != nil {
				return nil, err
			}
			parts = append(parts, part{text: s, sub: -1})
		case 0x0d, 0x0e:
			if err := p.need(4, "substitution"); err != nil {
				return nil, err
			}
			id := binary.LittleEndian.Uint16(p.c[p.pos+1:])
			parts = append(parts, part{sub: int32(id), opt: t == 0x0e})
			p.pos += 4
		case 0x07, 0x47:
			p.pos++
			s, err := p.utf16String()
			if err != nil {
				return nil, err
			}
			parts = append(parts, part{text: s, sub: -1})
		case 0x08, 0x48:
			if err := p.need(3, "character reference"); err != nil {
				return nil, err
			}
			r := rune(binary.LittleEndian.Uint16(p.c[p.pos+1:]))
			p.pos += 3
			parts = append(parts, part{text: string(utf8.AppendRune(nil, r)), sub: -1})
		case 0x09, 0x49:
			p.pos++
			en, err := p.name()
			if err != nil {
				return nil, err
			}
			parts = append(parts, part{text: entity(en.s), sub: -1})
		default:
			return parts, nil
		}
	}
	return parts, nil
}

// valueText reads the value of a value token: a type byte, then for strings a
// character count and the characters, for other types their fixed bytes.
func (p *parser) valueText() (string, error) {
	if err := p.need(1, "value"); err != nil {
		return "", err
	}
	t := p.c[p.pos]
	p.pos++
	switch {
	case t == typeString:
		return p.utf16String()
	case t == typeAnsi:
		if err := p.need(2, "value"); err != nil {
			return "", err
		}
		n := int(binary.LittleEndian.Uint16(p.c[p.pos:]))
		p.pos += 2
		if err := p.need(n, "value"); err != nil {
			return "", err
		}
		s := string(appendValue(nil, typeAnsi, p.c[p.pos:p.pos+n]))
		p.pos += n
		return s, nil
	case fixedSize(t) > 0:
		n := fixedSize(t)
		if err := p.need(n, "value"); err != nil {
			return "", err
		}
		s := string(appendFixed(nil, t, p.c[p.pos:p.pos+n]))
		p.pos += n
		return s, nil
	}
	return "", errAt(p.pos-1, "value token of unsupported type %#x", t)
}

// utf16String reads a 2-byte character count and the UTF-16 characters.
func (p *parser) utf16String() (string, error) {
	if err := p.need(2, "string"); err != nil {
		return "", err
	}
	n := 2 * int(binary.LittleEndian.Uint16(p.c[p.pos:]))
	p.pos += 2
	if err := p.need(n, "string"); err != nil {
		return "", err
	}
	s := string(appendValue(nil, typeString, p.c[p.pos:p.pos+n]))
	p.pos += n
	return s, nil
}

// entity resolves the predefined XML entities; others are kept as written.
func entity(s string) string {
	switch s {
	case "lt":
		return "<"
	case "gt":
		return ">"
	case "amp":
		return "&"
	case "quot":
		return `"`
	case "apos":
		return "'"
	}
	return "&" + s + ";"
}
