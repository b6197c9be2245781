package detect

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vigilhealth/vigil/internal/detect/ahocorasick"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
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

// fieldIndex is the automaton over one field's literals. Literals with
// bytes beyond ASCII can only occur in values that have such bytes, so
// they get an automaton of their own, wide, scanned only on those values:
// the ASCII automaton then needs half as many byte classes, and its dense
// rows are half as long.
type fieldIndex struct {
	ac   *ahocorasick.Automaton
	lits []int32     // automaton pattern -> literal id
	wide *fieldIndex // the literals with non-ASCII bytes, or nil
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

// keywordIndex returns the automaton over the keyword literals lits,
// shared between classes with the same set.
func (e *engine) keywordIndex(lits []int32, cache map[string]*fieldIndex) *fieldIndex {
	slices.Sort(lits)
	lits = slices.Compact(lits)
	var key strings.Builder
	for _, l := range lits {
		key.WriteString(strconv.Itoa(int(l)))
		key.WriteByte(',')
	}
	if fi, ok := cache[key.String()]; ok {
		return fi
	}
	fi := e.newFieldIndex(lits)
	cache[key.String()] = fi
	return fi
}

func (e *engine) newFieldIndex(lits []int32) *fieldIndex {
	var ascii, wide []int32
	for _, l := range lits {
		if isASCII(e.texts[l]) {
			ascii = append(ascii, l)
		} else {
			wide = append(wide, l)
		}
	}
	fi := e.automaton(ascii)
	if len(wide) > 0 {
		fi.wide = e.automaton(wide)
	}
	return fi
}

func (e *engine) automaton(lits []int32) *fieldIndex {
	pats := make([]string, len(lits))
	for i, l := range lits {
		pats[i] = e.texts[l]
	}
	return &fieldIndex{ac: ahocorasick.New(pats, ahocorasick.Options{DenseBytes: denseBytes}), lits: lits}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// denseBytes is each automaton's dense-row budget. With all SigmaHQ rules,
// 128 KiB matched in speed the 1 MiB default on whole-matcher benchmarks
// (rule evaluation between scans evicts the larger tables anyway) and
// holds 16 MiB of automata instead of 25.
const denseBytes = 128 << 10

// indexLiterals numbers the distinct required literals, records which
// rules need each, and builds the automata. A rule whose Required is nil
// or empty, or has an empty literal (present in any value), is evaluated
// without a mark: that is always correct, only slower.
func (e *engine) indexLiterals() {
	ids := map[sigma.Literal]int32{}
	var texts []string
	var fields []event.FieldID
	var pairs [][2]int32 // (literal, rule)
	for r, d := range e.dets {
		if d == nil {
			continue
		}
		req := d.Required()
		if !usable(req) {
			e.always[r] = true
			continue
		}
		for _, l := range req {
			l.Text = event.ToLowerASCII(l.Text)
			id, ok := ids[l]
			if !ok {
				id = int32(len(texts))
				ids[l] = id
				texts = append(texts, l.Text)
				fields = append(fields, l.Field)
			}
			pairs = append(pairs, [2]int32{id, int32(r)})
			if l.Field == 0 {
				e.ruleKw[r] = append(e.ruleKw[r], id)
			}
		}
	}
	e.texts = texts
	e.buildLiteralRules(len(texts), pairs)
	e.buildAutomata(fields)
}

func usable(req []sigma.Literal) bool {
	if len(req) == 0 {
		return false
	}
	for _, l := range req {
		if l.Text == "" {
			return false
		}
	}
	return true
}

// buildLiteralRules lays the (literal, rule) pairs out by literal, each
// rule once per literal.
func (e *engine) buildLiteralRules(nLits int, pairs [][2]int32) {
	e.litStart = make([]int32, nLits+1)
	for _, p := range pairs {
		e.litStart[p[0]+1]++
	}
	for l := 0; l < nLits; l++ {
		e.litStart[l+1] += e.litStart[l]
	}
	e.litRules = make([]int32, len(pairs))
	fill := make([]int32, nLits)
	copy(fill, e.litStart)
	for _, p := range pairs {
		l, r := p[0], p[1]
		if fill[l] > e.litStart[l] && e.litRules[fill[l]-1] == r {
			continue // the rule listed the literal twice
		}
		e.litRules[fill[l]] = r
		fill[l]++
	}
	// Close the gaps left by duplicates.
	out := int32(0)
	for l := 0; l < nLits; l++ {
		start := out
		for j := e.litStart[l]; j < fill[l]; j++ {
			e.litRules[out] = e.litRules[j]
			out++
		}
		e.litStart[l] = start
	}
	e.litStart[nLits] = out
	e.litRules = e.litRules[:out]
}

// buildAutomata builds one automaton per field over that field's literals.
func (e *engine) buildAutomata(fields []event.FieldID) {
	byField := map[event.FieldID][]int32{}
	maxField := event.FieldID(0)
	for l, f := range fields {
		byField[f] = append(byField[f], int32(l))
		maxField = max(maxField, f)
	}
	e.byField = make([]*fieldIndex, maxField+1)
	for f, lits := range byField {
		fi := e.newFieldIndex(lits)
		if f == 0 {
			e.keywords = fi
		} else {
			e.byField[f] = fi
		}
	}
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
