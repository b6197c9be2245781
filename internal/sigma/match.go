package sigma

import (
	"sort"

	"github.com/vigilhealth/vigil/internal/event"
)

// matcher is the compiled form of a condition or of one detection item.
// Every implementation is immutable after compilation, so matching is safe
// for concurrent use; the only state touched is the event's own cache of
// lower-cased values.
type matcher interface {
	match(ev *event.Event) bool
	// cost is a rough price of one evaluation; AND and OR nodes try their
	// cheap children first.
	cost() int
	// literals returns strings of which at least one occurs in every event
	// the matcher accepts (see Rule.Required); nil when there is no such set.
	literals() []Literal
}

// Match reports whether ev satisfies the rule's detection (and the
// conditions of every filter that applies to it). The caller checks the log
// source. Match does not allocate and is safe for concurrent use on
// different events.
func (r *Rule) Match(ev *event.Event) bool { return r.match != nil && r.match.match(ev) }

// Required returns literals of which at least one occurs (lower-cased) in
// every event the rule matches; nil means no such set is known and the rule
// must be evaluated on every event of its log source.
func (r *Rule) Required() []Literal { return r.required }

// andNode matches when every child matches.
type andNode []matcher

func (n andNode) match(ev *event.Event) bool {
	for _, c := range n {
		if !c.match(ev) {
			return false
		}
	}
	return true
}

func (n andNode) cost() int { return sumCost(n) }

// literals of an AND: any child's set is a valid set for the whole, so take
// the most selective one.
func (n andNode) literals() []Literal {
	var best []Literal
	for _, c := range n {
		if l := c.literals(); l != nil && (best == nil || betterLiterals(l, best)) {
			best = l
		}
	}
	return best
}

// orNode matches when some child matches.
type orNode []matcher

func (n orNode) match(ev *event.Event) bool {
	for _, c := range n {
		if c.match(ev) {
			return true
		}
	}
	return false
}

func (n orNode) cost() int { return sumCost(n) }

// literals of an OR: the union, known only when every child's is.
func (n orNode) literals() []Literal {
	var all []Literal
	for _, c := range n {
		l := c.literals()
		if l == nil {
			return nil
		}
		all = append(all, l...)
	}
	return minimalLiterals(all)
}

// notNode inverts its child.
type notNode struct{ m matcher }

func (n notNode) match(ev *event.Event) bool { return !n.m.match(ev) }
func (n notNode) cost() int                  { return n.m.cost() }
func (n notNode) literals() []Literal        { return nil }

// constNode always or never matches.
type constNode bool

func (n constNode) match(*event.Event) bool { return bool(n) }
func (n constNode) cost() int               { return 0 }
func (n constNode) literals() []Literal     { return nil }

func sumCost(ms []matcher) int {
	total := 0
	for _, m := range ms {
		total += m.cost()
		if total > 1<<20 {
			return 1 << 20
		}
	}
	return total
}

// newAnd builds an AND of ms: nested ANDs are flattened and the children
// ordered cheapest first, which changes nothing but speed.
func newAnd(ms ...matcher) matcher {
	flat := flatten[andNode](ms)
	if len(flat) == 1 {
		return flat[0]
	}
	return andNode(flat)
}

// newOr builds an OR of ms, flattened and ordered cheapest first.
func newOr(ms ...matcher) matcher {
	flat := flatten[orNode](ms)
	if len(flat) == 1 {
		return flat[0]
	}
	return orNode(flat)
}

// flatten lifts the children of every T among ms into one list, ordered
// cheapest first.
func flatten[T ~[]matcher](ms []matcher) []matcher {
	var flat []matcher
	for _, m := range ms {
		if n, ok := m.(T); ok {
			flat = append(flat, n...)
			continue
		}
		flat = append(flat, m)
	}
	sort.SliceStable(flat, func(i, j int) bool { return flat[i].cost() < flat[j].cost() })
	return flat
}
