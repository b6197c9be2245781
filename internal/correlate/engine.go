package correlate

import (
	"hash/maphash"
	"math"
	"slices"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// Engine keeps the correlation state. It is not safe for concurrent use: one
// detector owns it and feeds it in event-time order.
type Engine struct {
	byRule  map[*sigma.Rule]*source
	byID    map[string]*source // detection rules by id, for a caller holding another copy of a rule
	byCorr  map[*sigma.Correlation]*corr
	corrs   []*corr // a correlation comes after the correlations it reads
	nodeSrc map[int]*source

	now     int64 // the latest event time seen (ns since 1970)
	nextDue int64 // no window closes before this time

	// obs identifies the base event being observed: consecutive Observe
	// calls for one event (one per rule it matched) share it.
	obs       uint64
	lastEv    *event.Event
	lastAt    int64
	lastRec   uint64
	lastSrc   string
	lastLen   int
	lastFirst uint64 // hash of the first field value
	seed      maphash.Seed

	keyBuf []byte
	valBuf []byte
	stats  Stats
}

// source is a detection rule or a correlation whose matches feed correlations.
type source struct {
	rule       *sigma.Rule
	inner      *corr // set when the source is a correlation
	feeds      []*input
	suppressed bool
}

// corr is one correlation with its state.
type corr struct {
	def        *sigma.Correlation
	kind       kind
	cond       condition
	sliding    bool  // decided at each event over a sliding window, else when a window closes
	span       int64 // ns
	npos       int   // rules to match: distinct rules (temporal) or listed rules (temporal_ordered)
	inputs     []*input
	self       *source // set when other correlations read this one
	suppressed bool

	groups     map[string]*window
	head, tail *window // open windows by deadline

	// doneObs and doneKey name the event that last completed a sliding
	// window, so that the same event matching another rule does not start
	// the next window.
	doneObs uint64
	doneKey string
}

// input is one referenced rule or correlation of a correlation, with the
// fields to read from its events.
type input struct {
	c       *corr
	slot    int   // index in c.inputs (temporal: which rule)
	pos     []int // positions in the correlation's rules, ascending (temporal_ordered)
	ruleID  string
	groupBy []event.FieldID
	fields  []event.FieldID // the condition's field, or fields ANDed (value_count)
	chained bool
}

func newEngine() *Engine {
	return &Engine{
		byRule:  map[*sigma.Rule]*source{},
		byID:    map[string]*source{},
		byCorr:  map[*sigma.Correlation]*corr{},
		nodeSrc: map[int]*source{},
		now:     math.MinInt64,
		seed:    maphash.MakeSeed(),
		nextDue: math.MaxInt64,
	}
}

// addCorrelation builds correlation i of b, whose inner correlations are
// already built; nothing is wired into the engine unless it succeeds.
func (e *Engine) addCorrelation(b *builder, i int) *Error {
	def := b.defs[i]
	if err := b.checkAliases(i); err != nil {
		return err
	}
	c := &corr{def: def, kind: kinds[def.Type], span: int64(def.Timespan), groups: map[string]*window{}}
	var nodes []int
	byNode := map[int]*input{}
	for p, ref := range def.Rules {
		n := b.refs[i][p]
		in := byNode[n]
		if in == nil {
			var err *Error
			if in, err = e.newInput(b, c, ref, n); err != nil {
				return err
			}
			byNode[n] = in
			nodes = append(nodes, n)
			c.inputs = append(c.inputs, in)
		}
		in.pos = append(in.pos, p)
	}
	switch c.kind {
	case temporal:
		c.npos = len(c.inputs)
	case temporalOrdered:
		c.npos = len(def.Rules)
	}
	c.cond = newCondition(def.Condition, c.npos)
	c.sliding = c.kind.slidable() && c.cond.lowerOnly()
	for k, n := range nodes {
		s := e.sourceFor(b, n)
		s.feeds = append(s.feeds, c.inputs[k])
	}
	e.byCorr[def] = c
	e.corrs = append(e.corrs, c)
	return nil
}

// newInput resolves the fields correlation c reads from the events of node n.
func (e *Engine) newInput(b *builder, c *corr, ref string, n int) (*input, *Error) {
	def := c.def
	in := &input{c: c, slot: len(c.inputs)}
	var inner *sigma.Correlation
	if j, ok := b.corrNode(n); ok {
		ic := e.byCorr[b.defs[j]]
		if ic == nil {
			return nil, refError(def, ref, ErrRefused)
		}
		inner, in.chained = ic.def, true
	} else {
		in.ruleID = ruleRef(b.rules[n])
	}
	names := make([]string, len(def.GroupBy))
	for g, name := range def.GroupBy {
		names[g] = b.fieldFor(def, name, ref, n)
		if inner != nil {
			if err := checkChained(def, "group-by", names[g], inner); err != nil {
				return nil, err
			}
		}
	}
	in.groupBy = internAll(names)
	if c.kind.needsField() {
		for _, name := range valueFields(def) {
			f := b.fieldFor(def, name, ref, n)
			if inner != nil {
				if err := checkChained(def, "field", f, inner); err != nil {
					return nil, err
				}
			}
			in.fields = append(in.fields, event.Intern(f))
		}
	}
	return in, nil
}

// sourceFor returns the source for node n, creating it on first use.
func (e *Engine) sourceFor(b *builder, n int) *source {
	if s := e.nodeSrc[n]; s != nil {
		return s
	}
	s := &source{}
	if j, ok := b.corrNode(n); ok {
		s.inner = e.byCorr[b.defs[j]]
		s.inner.self = s
	} else {
		r := b.rules[n]
		s.rule = r
		e.byRule[r] = s
		if r.ID != "" {
			if _, dup := e.byID[idKey(r.ID)]; dup {
				e.byID[idKey(r.ID)] = nil // ambiguous: only the pointer finds these rules
			} else {
				e.byID[idKey(r.ID)] = s
			}
		}
	}
	e.nodeSrc[n] = s
	return s
}

// finish settles what generate implies once every correlation is built.
func (e *Engine) finish() {
	for _, s := range e.nodeSrc {
		s.suppressed = !slices.ContainsFunc(s.feeds, func(in *input) bool { return in.c.def.Generate })
		if s.inner != nil {
			s.inner.suppressed = s.suppressed
		}
	}
	e.nodeSrc = nil
}

// ruleRef is how an EventRef names a detection rule.
func ruleRef(r *sigma.Rule) string { return metaRef(&r.Meta) }

// corrRef is how a saved state names a correlation.
func corrRef(c *sigma.Correlation) string { return metaRef(&c.Meta) }

// metaRef is a rule's or correlation's id, else its name, else its title.
func metaRef(m *sigma.Meta) string {
	if m.ID != "" {
		return m.ID
	}
	if m.Name != "" {
		return m.Name
	}
	return m.Title
}

func (e *Engine) lookupRule(rule *sigma.Rule) *source {
	if rule == nil {
		return nil
	}
	if s := e.byRule[rule]; s != nil {
		return s
	}
	if rule.ID != "" {
		return e.byID[idKey(rule.ID)]
	}
	return nil
}

// Referenced reports whether any correlation needs the matches of rule.
func (e *Engine) Referenced(rule *sigma.Rule) bool { return e.lookupRule(rule) != nil }

// Suppressed reports whether rule's own matches should not be reported: it is
// referenced by correlations and none of them sets generate: true. A rule
// used only by refused correlations is not suppressed.
func (e *Engine) Suppressed(rule *sigma.Rule) bool {
	s := e.lookupRule(rule)
	return s != nil && s.suppressed
}

// SuppressedCorrelation reports whether the results of c only feed other
// correlations, none of which sets generate: true (Result.Suppressed).
func (e *Engine) SuppressedCorrelation(c *sigma.Correlation) bool {
	cc := e.byCorr[c]
	return cc != nil && cc.suppressed
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats { return e.stats }
