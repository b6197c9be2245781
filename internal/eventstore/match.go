package eventstore

import (
	"strconv"
	"strings"
	"unsafe"

	"github.com/vigilhealth/vigil/internal/event"
)

// node is an Expr compiled for one search; it may cache state (a field's
// ID), so each search compiles its own.
type node interface {
	// match reports whether the decoded event matches.
	match(ev *event.Event) bool
	// may reports whether an event of a segment with this index could
	// match: false only when the index rules it out.
	may(f segFilter) bool
	// raw reports whether a record whose bytes, lower-cased, are lower
	// could match: false only when a literal it needs is missing.
	raw(lower string) bool
}

// segFilter answers what a segment's index knows. Names and values are
// lower-cased.
type segFilter interface {
	hasName(name string) bool
	hasTrigrams(s string) bool
	hasPair(name, value string) bool
}

// matchAll is the nil expression.
type matchAll struct{}

func (matchAll) match(*event.Event) bool { return true }
func (matchAll) may(segFilter) bool      { return true }
func (matchAll) raw(string) bool         { return true }

func compileExpr(x Expr) node {
	if x == nil {
		return matchAll{}
	}
	return x.compile()
}

type andNode []node
type orNode []node
type notNode struct{ x node }

func (a *andExpr) compile() node { return andNode(compileAll(a.kids)) }
func (o *orExpr) compile() node  { return orNode(compileAll(o.kids)) }
func (n *notExpr) compile() node { return notNode{n.x.compile()} }

func compileAll(xs []Expr) []node {
	ns := make([]node, len(xs))
	for i, x := range xs {
		ns[i] = x.compile()
	}
	return ns
}

func (a andNode) match(ev *event.Event) bool { return all(a, func(n node) bool { return n.match(ev) }) }
func (a andNode) may(f segFilter) bool       { return all(a, func(n node) bool { return n.may(f) }) }
func (a andNode) raw(l string) bool          { return all(a, func(n node) bool { return n.raw(l) }) }
func (o orNode) match(ev *event.Event) bool {
	return !all(o, func(n node) bool { return !n.match(ev) })
}
func (o orNode) may(f segFilter) bool { return !all(o, func(n node) bool { return !n.may(f) }) }
func (o orNode) raw(l string) bool    { return !all(o, func(n node) bool { return !n.raw(l) }) }

// A negation can rule nothing out by index or by literal: the events that
// lack a term are not indexed.
func (n notNode) match(ev *event.Event) bool { return !n.x.match(ev) }
func (notNode) may(segFilter) bool           { return true }
func (notNode) raw(string) bool              { return true }

func all(ns []node, fn func(node) bool) bool {
	for _, n := range ns {
		if !fn(n) {
			return false
		}
	}
	return true
}

// termNode is a compiled term.
type termNode struct {
	*term
	id event.FieldID // the field's ID once some event has it; 0 before
}

func (t *term) compile() node { return &termNode{term: t} }

func (n *termNode) match(ev *event.Event) bool {
	switch {
	case n.field == "":
		return n.matchAny(ev)
	case specialFields[n.field]:
		return n.matchText(event.ToLowerASCII(specialValue(ev, n.field)))
	}
	if n.id == 0 {
		id, ok := event.Lookup(n.field)
		if !ok {
			return false // no event seen so far has the field; this one neither
		}
		n.id = id
	}
	for i := ev.Index(n.id); i >= 0; i = ev.Next(i) {
		if n.op == opEq && n.matchText(ev.Lower(i)) || n.op != opEq && n.matchNumber(ev.Value(i)) {
			return true
		}
	}
	return false
}

// matchAny looks for the term in every value, the metadata included.
func (n *termNode) matchAny(ev *event.Event) bool {
	for i := range ev.Len() {
		if containsParts(ev.Lower(i), n.parts) {
			return true
		}
	}
	for _, s := range [...]string{ev.Host, ev.Source, ev.LogSource.Product, ev.LogSource.Category, ev.LogSource.Service} {
		if s != "" && containsParts(event.ToLowerASCII(s), n.parts) {
			return true
		}
	}
	return false
}

func (n *termNode) matchText(v string) bool {
	if len(n.parts) == 1 {
		return v == n.parts[0]
	}
	return globMatch(v, n.parts)
}

func (n *termNode) matchNumber(v string) bool {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return false
	}
	switch n.op {
	case opGT:
		return f > n.num
	case opGE:
		return f >= n.num
	case opLT:
		return f < n.num
	}
	return f <= n.num
}

func (n *termNode) may(f segFilter) bool {
	special := specialFields[n.field]
	if n.field != "" && !special && !f.hasName(n.field) {
		return false
	}
	if n.op != opEq && n.field != "" {
		return true
	}
	if n.field != "" && len(n.parts) == 1 && !f.hasPair(pairName(n.field), n.parts[0]) {
		return false
	}
	for _, p := range n.parts {
		if !f.hasTrigrams(p) {
			return false
		}
	}
	return true
}

func (n *termNode) raw(lower string) bool {
	if n.field != "" && !specialFields[n.field] && isASCII(n.field) && !strings.Contains(lower, n.field) {
		return false
	}
	if n.op != opEq && n.field != "" {
		return true
	}
	for _, p := range n.parts {
		if isASCII(p) && !strings.Contains(lower, p) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// pairName is the name a field's pairs are indexed under: special fields
// are prefixed with a byte no field name has, so that a field called
// "host" is not taken for the event's host.
func pairName(field string) string {
	if specialFields[field] {
		return "\x00" + field
	}
	return field
}

// specialValue returns the metadata a special field names. An event's
// host is its Host, or its Computer field when Host is empty.
func specialValue(ev *event.Event, field string) string {
	switch field {
	case "host":
		if ev.Host != "" {
			return ev.Host
		}
		h, _ := ev.Get(event.Computer)
		return h
	case "source":
		return ev.Source
	case "product":
		return ev.LogSource.Product
	case "category":
		return ev.LogSource.Category
	}
	return ev.LogSource.Service
}

// globMatch matches v against parts joined by * wildcards: v starts with
// the first part, ends with the last, and holds the others in order.
func globMatch(v string, parts []string) bool {
	first, last := parts[0], parts[len(parts)-1]
	if len(v) < len(first)+len(last) || !strings.HasPrefix(v, first) || !strings.HasSuffix(v, last) {
		return false
	}
	return containsInOrder(v[len(first):len(v)-len(last)], parts[1:len(parts)-1])
}

// containsParts reports whether v contains parts in order, unanchored: a
// bare word with wildcards.
func containsParts(v string, parts []string) bool {
	return containsInOrder(v, parts)
}

func containsInOrder(v string, parts []string) bool {
	for _, p := range parts {
		i := strings.Index(v, p)
		if i < 0 {
			return false
		}
		v = v[i+len(p):]
	}
	return true
}

// bytesString views b as a string without copying; b must not change
// while the string is in use.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
