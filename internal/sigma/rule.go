package sigma

import (
	"fmt"
	"sort"

	"go.yaml.in/yaml/v3"
)

// parseRule reads a detection rule document and compiles its detection.
func parseRule(d document, f fields, c *compiler) (*Rule, error) {
	meta, err := parseMeta(d, f, false)
	if err != nil {
		return nil, err
	}
	ls, err := parseLogSource(f)
	if err != nil {
		return nil, err
	}
	outFields, err := f.list("fields", false, true, 0)
	if err != nil {
		return nil, err
	}
	det, where := f.node("detection")
	if det == nil {
		return nil, errorf(d.line, "detection", "is empty")
	}
	ps, err := pairs(det, where)
	if err != nil {
		return nil, err
	}
	m, err := compileDetection(where, f.keyLine("detection"), ps, "condition", c)
	if err != nil {
		return nil, err
	}
	return &Rule{Meta: meta, LogSource: ls, Fields: outFields, match: m}, nil
}

// compileDetection compiles the search identifiers of a detection (or
// filter) section and binds its condition to them. Keys in skip are not
// search identifiers.
func compileDetection(where string, secLine int, ps []pair, condKey string, c *compiler, skip ...string) (matcher, error) {
	ids := &idents{m: map[string]matcher{}}
	var condPair *pair
	for i := range ps {
		p := &ps[i]
		switch {
		case p.key == condKey:
			condPair = p
			continue
		case contains(skip, p.key):
			continue
		case p.key == "timeframe":
			return nil, errorf(p.k.Line, p.where, "timeframe belongs to the deprecated Sigma 1 aggregations; write a correlation rule with a timespan instead")
		}
		m, err := c.searchID(p.where, p.v)
		if err != nil {
			return nil, err
		}
		ids.names = append(ids.names, p.key)
		ids.m[p.key] = m
	}
	if condPair == nil || isNull(condPair.v) {
		return nil, errorf(secLine, joinPath(where, condKey), "is missing")
	}
	if len(ids.names) == 0 {
		return nil, errorf(secLine, where, "defines no search identifier")
	}
	return compileConditions(condPair, ids)
}

// compileConditions compiles a condition, or a list of conditions (any of
// which may match).
func compileConditions(p *pair, ids *idents) (matcher, error) {
	n := deref(p.v)
	var list []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		list = []*yaml.Node{n}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, errorf(n.Line, p.where, "is an empty list")
		}
		list = n.Content
	default:
		return nil, errorf(n.Line, p.where, "must be a string or a list of strings, found %s", kindName(n))
	}
	var ors []matcher
	for i, c := range list {
		c = deref(c)
		at := p.where
		if n.Kind == yaml.SequenceNode {
			at = fmt.Sprintf("%s[%d]", p.where, i)
		}
		if c == nil || c.Kind != yaml.ScalarNode || isNull(c) {
			return nil, errorf(line(c), at, "must be a string, found %s", kindName(c))
		}
		parsed, err := parseCondition(c.Value)
		if err != nil {
			return nil, errorf(c.Line, at, "%s", err)
		}
		m, err := compileCond(parsed, ids)
		if err != nil {
			return nil, errorf(c.Line, at, "%s", err)
		}
		ors = append(ors, m)
	}
	return newOr(ors...), nil
}

// sortedKeys returns the keys of m in order, for stable messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
