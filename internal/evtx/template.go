package evtx

import (
	"bytes"
	"encoding/binary"
)

// templateKey identifies a template definition across chunks: its GUID, the
// size of its BinXML and the section it was compiled for. Equal keys are
// only a hint; sameDefinition confirms.
type templateKey struct {
	guid [16]byte
	size uint32
	sec  section
}

// template is a compiled definition kept across chunks, with the bytes it
// was compiled from and the names it refers to.
type template struct {
	plan *plan
	def  []byte
	refs []nameUse
}

// nameUse is a name reference in a definition: the offset of its 4-byte
// name offset from the start of the definition's BinXML, whether the name is
// stored inline right after it, and the name it resolved to.
type nameUse struct {
	rel    int
	inline bool
	n      *name
}

// sameDefinition reports whether the definition whose BinXML starts at
// start in the current chunk is t's: the same bytes apart from chunk offsets
// (name offsets and the links of inline names), and the same names. Checking
// costs a comparison of the definition's bytes, far less than compiling it.
func (d *decoder) sameDefinition(t *template, start int) bool {
	def := d.chunk[start : start+len(t.def)]
	prev := 0
	for _, u := range t.refs {
		if u.rel < prev || !bytes.Equal(def[prev:u.rel], t.def[prev:u.rel]) {
			return false
		}
		off := int(binary.LittleEndian.Uint32(def[u.rel:]))
		if inline := off == start+u.rel+4; inline != u.inline {
			return false
		}
		ref, err := d.nameAt(off, start+u.rel)
		if err != nil || ref.n != u.n {
			return false
		}
		prev = u.rel + 4
		if u.inline {
			prev += 4 // the inline name's link to the next name in its hash bucket
		}
	}
	return bytes.Equal(def[prev:], t.def[prev:])
}
