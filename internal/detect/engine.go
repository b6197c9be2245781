package detect

import (
	"slices"

	"github.com/vigilhealth/vigil/internal/event"
)

// engine is the Matcher's index over detectors, which it names by position.
type engine struct {
	dets   []detector
	always []bool // evaluate without a prefilter mark: no usable required literals

	byClass []candidates // by Windows class id (classify.go)

	// The prefilter: one automaton per field named by a literal, one for
	// keyword literals (field 0), and the rules requiring each literal.
	byField  []*fieldIndex // by FieldID; nil where no literal names the field
	keywords *fieldIndex   // all keyword literals; nil when no rule has any
	texts    []string      // literal texts, by literal id
	ruleKw   [][]int32     // keyword literal ids, by rule
	litStart []int32       // rules requiring literal l: litRules[litStart[l]:litStart[l+1]]
	litRules []int32
}

func newEngine(dets []detector) *engine {
	e := &engine{dets: dets, always: make([]bool, len(dets)), ruleKw: make([][]int32, len(dets))}
	e.indexLiterals()
	e.byClass = make([]candidates, len(classes))
	kwCache := map[string]*fieldIndex{}
	for id, c := range classes {
		cands, kw := e.candidatesFor(c.src)
		cands.aliases = c.aliases
		if len(kw) > 0 {
			// A class's own keyword automaton holds only its members'
			// keywords: keywords are scanned over every value, so a
			// small automaton pays off.
			cands.keywords = e.keywordIndex(kw, kwCache)
		}
		e.byClass[id] = cands
	}
	return e
}

// match returns the positions of the detectors that match ev, in order,
// in s.hits.
func (e *engine) match(ev *event.Event, s *Scratch) []int32 {
	if s.e != e {
		panic("detect: Scratch used with a Matcher other than the one that made it")
	}
	s.hits = s.hits[:0]
	c := e.candidatesOf(ev, s)
	if c.aliases != nil {
		c.aliases(ev)
	}
	if !c.scan {
		for _, r := range c.always {
			if e.dets[r].Match(ev) {
				s.hits = append(s.hits, r)
			}
		}
		return s.hits
	}
	s.advance()
	e.prefilter(ev, s, c)
	// The marked rules of this class, in rule order, merged with the
	// unconditional ones: a handful per event, however many candidates.
	s.cands = s.cands[:0]
	for _, r := range s.marked {
		if c.has(r) {
			s.cands = append(s.cands, r)
		}
	}
	slices.Sort(s.cands)
	always, marked := c.always, s.cands
	for len(always) > 0 || len(marked) > 0 {
		var r int32
		if len(marked) == 0 || len(always) > 0 && always[0] < marked[0] {
			r, always = always[0], always[1:]
		} else {
			r, marked = marked[0], marked[1:]
		}
		if e.dets[r].Match(ev) {
			s.hits = append(s.hits, r)
		}
	}
	return s.hits
}

// candidatesOf returns the candidates for ev's log source: by its Windows
// class, or by what it declares.
func (e *engine) candidatesOf(ev *event.Event, s *Scratch) *candidates {
	if declared(ev) {
		return s.declaredCandidates(ev.LogSource)
	}
	return &e.byClass[windowsClass(ev)]
}

// prefilter scans each value of ev once per automaton that applies to it
// and that c's candidates need, and marks in s the rules whose literals
// occur.
func (e *engine) prefilter(ev *event.Event, s *Scratch, c *candidates) {
	for i, n := 0, ev.Len(); i < n; i++ {
		id, v := ev.Field(i)
		switch wants := c.wants(id); { // when wanted, byField has the field's automaton
		case wants && c.keywords != nil:
			s.scanPair(e.byField[id], c.keywords, ev, i, v)
		case wants:
			s.scan(e.byField[id], ev, i, v)
		case c.keywords != nil:
			s.scanKeywords(c.keywords, ev, i, v)
		}
	}
}

func (e *engine) stats() Stats {
	st := Stats{Rules: len(e.dets), Literals: len(e.litStart) - 1}
	for _, a := range e.always {
		if a {
			st.Unconditional++
		}
	}
	seen := map[*fieldIndex]bool{}
	all := append(slices.Clip(e.byField), e.keywords)
	for i := range e.byClass {
		all = append(all, e.byClass[i].keywords)
	}
	for _, fi := range all {
		for ; fi != nil && !seen[fi]; fi = fi.wide {
			seen[fi] = true
			as := fi.ac.Stats()
			st.Automata++
			st.States += as.States
			st.AutomataBytes += as.MemoryBytes
		}
	}
	return st
}
