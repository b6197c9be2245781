package sigma

import "strings"

// Filter is a loaded Sigma filter (sigma-filters-specification): a
// condition that every rule it names must also satisfy to match. Filters
// are folded into the rules at load time; this record says what was loaded
// and where it applied.
type Filter struct {
	Meta
	LogSource LogSource
	Rules     []string // rule ids or names, as written
	Applied   []*Rule  // the loaded rules it was folded into

	match matcher
}

// parseFilter reads a filter document: its own log source, the rules it
// names, and search identifiers with a condition, like a detection.
func parseFilter(d document, f fields, c *compiler) (*Filter, error) {
	meta, err := parseMeta(d, f, false)
	if err != nil {
		return nil, err
	}
	ls, err := parseLogSource(f)
	if err != nil {
		return nil, err
	}
	sec, where := f.node("filter")
	if sec == nil {
		return nil, errorf(d.line, "filter", "is empty")
	}
	ps, err := pairs(sec, where)
	if err != nil {
		return nil, err
	}
	ff := newFields(ps)
	secLine := f.keyLine("filter")
	rn, rwhere := ff.node("rules")
	if rn == nil {
		return nil, errorf(secLine, joinPath(where, "rules"), "is missing: a filter names the rules it applies to")
	}
	var rules []string
	if rules, err = ff.list("rules", true, true, 1); err != nil {
		return nil, err
	}
	if len(rules) == 0 {
		return nil, errorf(rn.Line, rwhere, "names no rule")
	}
	m, err := compileDetection(where, secLine, ps, "condition", c, "rules")
	if err != nil {
		return nil, err
	}
	return &Filter{Meta: meta, LogSource: ls, Rules: rules, match: m}, nil
}

// appliesTo reports whether the filter's log source covers the rule's: every
// part the filter names must be the rule's, so that a filter for
// process_creation on windows never changes a rule for another source.
func (f *Filter) appliesTo(r *Rule) bool {
	return (f.LogSource.Category == "" || strings.EqualFold(f.LogSource.Category, r.LogSource.Category)) &&
		(f.LogSource.Product == "" || strings.EqualFold(f.LogSource.Product, r.LogSource.Product)) &&
		(f.LogSource.Service == "" || strings.EqualFold(f.LogSource.Service, r.LogSource.Service))
}
