package detect

import (
	"strings"

	"github.com/vigilhealth/vigil/internal/detect/ahocorasick"
	"github.com/vigilhealth/vigil/internal/event"
)

// Scratch is one goroutine's working memory for Matcher.Match. Marks are
// reset between events by advancing a generation counter, not by clearing,
// so an event costs nothing for the rules it does not touch.
type Scratch struct {
	e        *engine
	gen      uint32
	ruleMark []uint32               // rule r is marked for this event when ruleMark[r] == gen
	litMark  []uint32               // literal l was seen in this event when litMark[l] == gen
	lits     []int32                // pattern -> literal of the field automaton being scanned
	kwLits   []int32                // pattern -> literal of the keyword automaton being scanned
	visit    func(pattern, end int) // marks for lits
	visitKw  func(pattern, end int) // marks for kwLits
	marked   []int32                // rules marked for this event, in marking order
	cands    []int32                // marked candidates of the event's class, sorted
	hits     []int32

	// declared caches the candidates of log sources that events declare,
	// which are not known when the Matcher is built.
	declared map[event.LogSource]*candidates
}

// maxDeclared bounds the declared log-source cache; when full it starts
// over, so a stream of ever-new declarations cannot grow it without end.
const maxDeclared = 256

func newScratch(e *engine) *Scratch {
	s := &Scratch{
		e:        e,
		ruleMark: make([]uint32, len(e.dets)),
		litMark:  make([]uint32, len(e.litStart)-1),
		declared: map[event.LogSource]*candidates{},
	}
	// Bound once: passing them to a scan then costs no allocation.
	s.visit = func(p, _ int) { s.mark(s.lits[p]) }
	s.visitKw = func(p, _ int) { s.mark(s.kwLits[p]) }
	return s
}

// advance starts a new event's marks.
func (s *Scratch) advance() {
	s.marked = s.marked[:0]
	s.gen++
	if s.gen == 0 { // wrapped: old stamps could look current
		clear(s.ruleMark)
		clear(s.litMark)
		s.gen = 1
	}
}

// scan runs fi's automaton over value i of ev. ASCII values are scanned as
// they are (the automaton folds ASCII case); others are scanned in their
// lower-cased form, which folds non-ASCII letters too.
func (s *Scratch) scan(fi *fieldIndex, ev *event.Event, i int, v string) {
	s.lits = fi.lits
	if !fi.ac.ScanASCII(v, s.visit) {
		s.scanLower(fi, ev.Lower(i))
	}
}

// scanPair is scan with a field automaton and a keyword automaton at once.
func (s *Scratch) scanPair(fi, kw *fieldIndex, ev *event.Event, i int, v string) {
	s.lits, s.kwLits = fi.lits, kw.lits
	if !ahocorasick.ScanPairASCII(fi.ac, kw.ac, v, s.visit, s.visitKw) {
		lower := ev.Lower(i)
		s.scanLower(fi, lower)
		s.scanLowerKeywords(kw, lower)
	}
}

// scanKeywords is scan with a keyword automaton.
func (s *Scratch) scanKeywords(kw *fieldIndex, ev *event.Event, i int, v string) {
	s.kwLits = kw.lits
	if !kw.ac.ScanASCII(v, s.visitKw) {
		s.scanLowerKeywords(kw, ev.Lower(i))
	}
}

// scanLower scans a lower-cased value that is not all ASCII with fi's
// automata, the wide one included.
func (s *Scratch) scanLower(fi *fieldIndex, lower string) {
	for ; fi != nil; fi = fi.wide {
		s.lits = fi.lits
		fi.ac.Scan(lower, s.visit)
	}
}

func (s *Scratch) scanLowerKeywords(kw *fieldIndex, lower string) {
	for ; kw != nil; kw = kw.wide {
		s.kwLits = kw.lits
		kw.ac.Scan(lower, s.visitKw)
	}
}

// mark marks the rules that require literal l, once per event.
func (s *Scratch) mark(l int32) {
	if s.litMark[l] == s.gen {
		return
	}
	s.litMark[l] = s.gen
	e := s.e
	for _, r := range e.litRules[e.litStart[l]:e.litStart[l+1]] {
		if s.ruleMark[r] != s.gen {
			s.ruleMark[r] = s.gen
			s.marked = append(s.marked, r)
		}
	}
}

// declaredCandidates returns the candidates for a declared log source,
// computing them on first sight.
func (s *Scratch) declaredCandidates(ls event.LogSource) *candidates {
	if c, ok := s.declared[ls]; ok {
		return c
	}
	if len(s.declared) >= maxDeclared {
		clear(s.declared)
	}
	key := event.LogSource{
		Product:  strings.Clone(ls.Product),
		Category: strings.Clone(ls.Category),
		Service:  strings.Clone(ls.Service),
	}
	src := Sources{Product: ls.Product, Categories: nonEmpty(ls.Category), Services: nonEmpty(ls.Service)}
	c, keywords := s.e.candidatesFor(src)
	if len(keywords) > 0 {
		c.keywords = s.e.keywords // shared: the Matcher must not change now
	}
	s.declared[key] = &c
	return &c
}
