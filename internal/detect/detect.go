// Package detect runs thousands of compiled Sigma rules on each event fast.
// A Matcher indexes the rules by log source and by the literals they
// require: per event it classifies the log source with one small table
// look-up, scans each indexed field once with a multi-pattern automaton
// (package ahocorasick) to mark the rules whose required literal occurs,
// and evaluates only those rules, plus the ones that require nothing.
package detect

import (
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// detector is what the engine needs of a rule; *sigma.Rule provides it
// through sigmaRule. Tests use their own.
type detector interface {
	Match(ev *event.Event) bool
	Required() []sigma.Literal
	Source() sigma.LogSource
}

// sigmaRule adapts *sigma.Rule, whose log source is a field, to detector.
type sigmaRule struct{ *sigma.Rule }

func (r sigmaRule) Source() sigma.LogSource { return r.LogSource }

// Matcher evaluates a fixed list of Sigma rules on events. It is immutable
// after NewMatcher and safe for concurrent use; each goroutine passes its
// own Scratch.
type Matcher struct {
	rules []*sigma.Rule
	e     *engine
}

// NewMatcher indexes rules for matching. Nil entries are ignored. The
// rules must not change afterwards.
func NewMatcher(rules []*sigma.Rule) *Matcher {
	dets := make([]detector, len(rules))
	for i, r := range rules {
		if r != nil { // a nil detector is in no candidate list
			dets[i] = sigmaRule{r}
		}
	}
	return &Matcher{rules: rules, e: newEngine(dets)}
}

// NewScratch returns the per-goroutine working memory for Match.
func (m *Matcher) NewScratch() *Scratch { return newScratch(m.e) }

// Match appends to dst the rules ev matches (log source and detection), in
// the order of the rules given to NewMatcher, and returns dst. s must come
// from m.NewScratch and not be used by another goroutine at the same time.
//
// Match adds the alias fields that ev's log source calls for (see
// AddAliases) to ev, and fills ev's lower-case cache; it makes no other
// change. With a warm Scratch it does not allocate, apart from what the
// rules' own Match and those aliases do.
func (m *Matcher) Match(ev *event.Event, s *Scratch, dst []*sigma.Rule) []*sigma.Rule {
	for _, i := range m.e.match(ev, s) {
		dst = append(dst, m.rules[i])
	}
	return dst
}

// Rules returns the rules the matcher was built with. The slice is shared:
// do not change it.
func (m *Matcher) Rules() []*sigma.Rule { return m.rules }

// Stats describe a matcher's indexes.
type Stats struct {
	Rules         int // rules given to NewMatcher
	Unconditional int // rules evaluated on every event of their log source (no required literals)
	Literals      int // distinct required literals (field, text)
	Automata      int // automata: one per field named by a literal; for keywords, one per distinct set
	States        int // automaton states, over all automata
	AutomataBytes int // memory of the automata's tables
}

// Stats reports the size of m's indexes.
func (m *Matcher) Stats() Stats { return m.e.stats() }
