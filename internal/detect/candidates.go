package detect

import "github.com/vigilhealth/vigil/internal/event"

// candidates are the rules whose log source applies to one class of
// events: those evaluated on every such event, in rule order, and those
// evaluated when the prefilter marks them, as a bit set.
type candidates struct {
	always   []int32
	member   []uint64              // bit set of the candidates that depend on the prefilter
	scan     bool                  // member is not empty
	aliases  func(ev *event.Event) // alias fields for the class, or nil
	fields   []uint64              // bit set of the fields the members' literals name
	keywords *fieldIndex           // automaton over the members' keyword literals (field 0), or nil
}

// has reports whether rule r is a candidate that depends on the prefilter.
func (c *candidates) has(r int32) bool {
	w := int(r >> 6)
	return w < len(c.member) && c.member[w]&(1<<(r&63)) != 0
}

// wants reports whether a candidate has a literal on field id, so that
// the field's automaton must scan it.
func (c *candidates) wants(id event.FieldID) bool {
	w := int(id >> 6)
	return w < len(c.fields) && c.fields[w]&(1<<(id&63)) != 0
}

// candidatesFor lists the rules whose log source applies to src, and the
// fields their literals name: the prefilter scans only those. It returns
// the members' keyword literals too; c.keywords is left to the caller.
func (e *engine) candidatesFor(src Sources) (c candidates, keywords []int32) {
	for r, d := range e.dets {
		if d == nil || !src.Matches(d.Source()) {
			continue
		}
		if e.always[r] {
			c.always = append(c.always, int32(r))
			continue
		}
		c.scan = true
		setBit(&c.member, r)
		for _, l := range d.Required() {
			if l.Field != 0 {
				setBit(&c.fields, int(l.Field))
			}
		}
		keywords = append(keywords, e.ruleKw[r]...)
	}
	return c, keywords
}

func setBit(set *[]uint64, i int) {
	w := i >> 6
	if w >= len(*set) {
		*set = append(*set, make([]uint64, w+1-len(*set))...)
	}
	(*set)[w] |= 1 << (i & 63)
}
