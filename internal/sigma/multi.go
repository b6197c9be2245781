package sigma

import (
	"slices"
	"sort"
)

// manyPatterns is the number of equality or contains patterns in one item
// from which they are matched together (binary search, Aho-Corasick)
// rather than one by one; long hash and file-name lists reach thousands.
const manyPatterns = 8

// eqSet tests equality with any of a sorted list of strings.
type eqSet []string

func (s eqSet) has(v string) bool {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(s) && s[lo] == v
}

// acEdge is one transition of the Aho-Corasick automaton.
type acEdge struct {
	b  byte
	to int32
}

// acNode is one state: its transitions sorted by byte, the state to fall
// back to on a mismatch, and whether a pattern ends here (or at a suffix).
type acNode struct {
	next []acEdge
	fail int32
	out  bool
}

// acSet finds whether any of many strings occurs in a value, in one pass
// over the value (Aho-Corasick).
type acSet struct{ nodes []acNode }

// newACSet builds the automaton for non-empty patterns.
func newACSet(patterns []string) *acSet {
	a := &acSet{nodes: []acNode{{}}}
	for _, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			t, ok := a.step(s, p[i])
			if !ok {
				t = int32(len(a.nodes))
				a.nodes = append(a.nodes, acNode{})
				n := &a.nodes[s]
				at := sort.Search(len(n.next), func(k int) bool { return n.next[k].b >= p[i] })
				n.next = slices.Insert(n.next, at, acEdge{b: p[i], to: t})
			}
			s = t
		}
		a.nodes[s].out = true
	}
	a.link()
	return a
}

// link sets the fallback states breadth first: the fallback of a child by
// byte b is where the parent's fallback goes on b.
func (a *acSet) link() {
	queue := []int32{}
	for _, e := range a.nodes[0].next {
		queue = append(queue, e.to)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range a.nodes[s].next {
			f := a.nodes[s].fail
			for {
				if t, ok := a.step(f, e.b); ok && t != e.to {
					a.nodes[e.to].fail = t
					break
				}
				if f == 0 {
					break
				}
				f = a.nodes[f].fail
			}
			a.nodes[e.to].out = a.nodes[e.to].out || a.nodes[a.nodes[e.to].fail].out
			queue = append(queue, e.to)
		}
	}
}

// step follows the transition from s on b, if there is one.
func (a *acSet) step(s int32, b byte) (int32, bool) {
	next := a.nodes[s].next
	lo, hi := 0, len(next)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if next[m].b < b {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(next) && next[lo].b == b {
		return next[lo].to, true
	}
	return 0, false
}

// contains reports whether some pattern occurs in v.
func (a *acSet) contains(v string) bool {
	s := int32(0)
	for i := 0; i < len(v); i++ {
		for {
			if t, ok := a.step(s, v[i]); ok {
				s = t
				break
			}
			if s == 0 {
				break
			}
			s = a.nodes[s].fail
		}
		if a.nodes[s].out {
			return true
		}
	}
	return false
}

// multiMatch takes the equality and contains patterns out of a long list
// of alternatives and matches them together; the other patterns stay in
// rest.
type multiMatch struct {
	eq   eqSet
	sub  *acSet
	rest []strPred
}

func newMultiMatch(preds []strPred) *multiMatch {
	var eq, sub []string
	var rest []strPred
	for _, p := range preds {
		switch p.kind {
		case pEq:
			eq = append(eq, p.s)
		case pContains:
			sub = append(sub, p.s)
		default:
			rest = append(rest, p)
		}
	}
	m := &multiMatch{rest: rest}
	if len(eq) >= manyPatterns {
		slices.Sort(eq)
		m.eq = slices.Compact(eq)
	} else {
		m.rest = appendPreds(m.rest, pEq, eq)
	}
	if len(sub) >= manyPatterns {
		m.sub = newACSet(sub)
	} else {
		m.rest = appendPreds(m.rest, pContains, sub)
	}
	return m
}

func appendPreds(ps []strPred, kind predKind, texts []string) []strPred {
	for _, s := range texts {
		ps = append(ps, strPred{kind: kind, s: s})
	}
	return ps
}

func (m *multiMatch) match(v string) bool {
	if len(m.eq) > 0 && m.eq.has(v) {
		return true
	}
	if m.sub != nil && m.sub.contains(v) {
		return true
	}
	for k := range m.rest {
		if m.rest[k].match(v) {
			return true
		}
	}
	return false
}
