package sigma

import (
	"strings"
)

// corrState tracks a correlation during reference resolution.
type corrState uint8

const (
	unvisited corrState = iota
	visiting
	resolved
	broken
)

// resolveCorrelations checks that every rule a correlation references (by
// id or name) was loaded, either as a detection rule or as another valid
// correlation, without cycles, and that aliases name referenced rules. A
// correlation that fails is refused, and so is every correlation built on
// it. Referenced rules are marked CorrelationOnly unless some correlation
// referencing them sets generate.
func (l *loader) resolveCorrelations(corrs []*Correlation) []*Correlation {
	s := l.set
	s.corrsByRef = map[string]*Correlation{}
	var claimed []*Correlation
	for _, c := range corrs {
		if err := l.claim(&c.Meta, "correlation"); err != nil {
			l.refuse(Refusal{Path: c.Path, Line: c.Line, Err: err})
			continue
		}
		if c.ID != "" {
			s.corrsByRef[idKey(c.ID)] = c
		}
		if c.Name != "" {
			s.corrsByRef[nameKey(c.Name)] = c
		}
		claimed = append(claimed, c)
	}
	state := map[*Correlation]corrState{}
	errs := map[*Correlation]error{}
	var visit func(c *Correlation) bool
	visit = func(c *Correlation) bool {
		switch state[c] {
		case resolved:
			return true
		case broken:
			return false
		case visiting:
			errs[c] = errorf(c.Line, "correlation.rules", "references form a cycle through %q", c.Title)
			state[c] = broken
			return false
		}
		state[c] = visiting
		err := l.checkRefs(c, visit)
		if err != nil {
			if errs[c] == nil {
				errs[c] = err
			}
			state[c] = broken
			return false
		}
		state[c] = resolved
		return true
	}
	var kept []*Correlation
	for _, c := range claimed {
		if visit(c) {
			kept = append(kept, c)
		}
	}
	for _, c := range claimed {
		if state[c] == broken {
			delete(s.corrsByRef, idKey(c.ID))
			delete(s.corrsByRef, nameKey(c.Name))
			l.refuse(Refusal{Path: c.Path, Line: c.Line, Err: errs[c]})
		}
	}
	markCorrelationOnly(s, kept)
	return kept
}

// checkRefs resolves the references and aliases of one correlation.
func (l *loader) checkRefs(c *Correlation, visit func(*Correlation) bool) error {
	s := l.set
	var missing []string
	for _, ref := range c.Rules {
		if s.lookupRule(ref) != nil {
			continue
		}
		if other := s.lookupCorrelation(ref); other != nil {
			if !visit(other) {
				return errorf(c.Line, "correlation.rules", "references correlation %q, which did not load", ref)
			}
			continue
		}
		missing = append(missing, ref)
	}
	if len(missing) > 0 {
		return errorf(c.Line, "correlation.rules", "references rules that were not loaded: %s (load the files that define them together with the correlation)", strings.Join(missing, ", "))
	}
	for _, alias := range sortedKeys(c.Aliases) {
		for _, ref := range sortedKeys(c.Aliases[alias]) {
			if !referenced(s, c, ref) {
				return errorf(c.Line, "correlation.aliases."+alias, "%q is not one of the correlation's rules", ref)
			}
		}
	}
	return nil
}

// referenced reports whether ref names one of c's rules, directly or by
// the other of its id and name.
func referenced(s *Set, c *Correlation, ref string) bool {
	target := s.lookupAny(ref)
	for _, r := range c.Rules {
		if r == ref || target != nil && s.lookupAny(r) == target {
			return true
		}
	}
	return false
}

// lookupAny finds a rule or correlation, returning its Meta.
func (s *Set) lookupAny(ref string) *Meta {
	if r := s.lookupRule(ref); r != nil {
		return &r.Meta
	}
	if c := s.lookupCorrelation(ref); c != nil {
		return &c.Meta
	}
	return nil
}

func (s *Set) lookupCorrelation(ref string) *Correlation {
	if c := s.corrsByRef[nameKey(ref)]; c != nil {
		return c
	}
	return s.corrsByRef[idKey(ref)]
}

// markCorrelationOnly flags rules referenced only by correlations that do
// not generate them as stand-alone rules.
func markCorrelationOnly(s *Set, corrs []*Correlation) {
	generate := map[*Rule]bool{}
	for _, c := range corrs {
		for _, ref := range c.Rules {
			if r := s.lookupRule(ref); r != nil {
				generate[r] = generate[r] || c.Generate
			}
		}
	}
	for r, g := range generate {
		r.CorrelationOnly = !g
	}
}

// RuleByRef returns the loaded detection rule with the given id or name,
// or nil.
func (s *Set) RuleByRef(ref string) *Rule {
	if s.rulesByRef == nil {
		for _, r := range s.Rules {
			if r.Name == ref || strings.EqualFold(r.ID, ref) && r.ID != "" {
				return r
			}
		}
		return nil
	}
	return s.lookupRule(ref)
}

// CorrelationByRef returns the loaded correlation rule with the given id or
// name, or nil.
func (s *Set) CorrelationByRef(ref string) *Correlation {
	if s.corrsByRef == nil {
		for _, c := range s.Correlations {
			if c.Name == ref || strings.EqualFold(c.ID, ref) && c.ID != "" {
				return c
			}
		}
		return nil
	}
	return s.lookupCorrelation(ref)
}
