package sigma

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vigilhealth/vigil/internal/event"
)

// compiler turns search identifiers into matchers.
type compiler struct {
	opts Options
}

// searchID compiles the definition of one search identifier: a mapping
// (AND of its items), a list of mappings (OR), a list of plain values (a
// keyword search, OR), or a single plain value (a keyword).
func (c *compiler) searchID(where string, n *yaml.Node) (matcher, error) {
	n = deref(n)
	switch {
	case n == nil || isNull(n):
		return nil, errorf(line(n), where, "search identifier has no definition")
	case n.Kind == yaml.MappingNode:
		return c.mapping(where, n)
	case n.Kind == yaml.ScalarNode:
		return c.item(where, n, "", n)
	case n.Kind != yaml.SequenceNode:
		return nil, errorf(n.Line, where, "must be a mapping or a list, found %s", kindName(n))
	}
	if len(n.Content) == 0 {
		return nil, errorf(n.Line, where, "search identifier is an empty list")
	}
	var ors []matcher
	var keywords []*yaml.Node
	for i, e := range n.Content {
		e = deref(e)
		at := fmt.Sprintf("%s[%d]", where, i)
		switch {
		case e == nil || e.Kind == yaml.SequenceNode:
			return nil, errorf(line(e), at, "a list of lists is not a Sigma search identifier")
		case e.Kind == yaml.MappingNode:
			m, err := c.mapping(at, e)
			if err != nil {
				return nil, err
			}
			ors = append(ors, m)
		default:
			keywords = append(keywords, e)
		}
	}
	if len(keywords) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Content: keywords, Line: keywords[0].Line}
		m, err := c.item(where, n, "", seq)
		if err != nil {
			return nil, err
		}
		ors = append(ors, m)
	}
	return newOr(ors...), nil
}

// mapping compiles a map of "field|modifiers: values" items, all of which
// must match.
func (c *compiler) mapping(where string, n *yaml.Node) (matcher, error) {
	ps, err := pairs(n, where)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, errorf(n.Line, where, "search identifier is an empty mapping")
	}
	ands := make([]matcher, 0, len(ps))
	for _, p := range ps {
		m, err := c.item(where, p.k, p.key, p.v)
		if err != nil {
			return nil, err
		}
		ands = append(ands, m)
	}
	return newAnd(ands...), nil
}

// item compiles one detection item: key "field|modifiers" (empty for a
// plain keyword list) with a value or list of values.
func (c *compiler) item(where string, keyNode *yaml.Node, key string, val *yaml.Node) (matcher, error) {
	mods, err := parseKey(key, where, line(keyNode))
	if err != nil {
		return nil, err
	}
	values, err := itemValues(where, key, val)
	if err != nil {
		return nil, err
	}
	var field event.FieldID
	if mods.field != "" {
		field = event.Intern(mods.field)
	}
	bad := func(n *yaml.Node, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if key != "" {
			msg += fmt.Sprintf(" in %q", key)
		}
		return errorf(line(n), where, "%s", msg)
	}
	if i := nullIndex(values); i >= 0 {
		switch {
		case len(values) > 1:
			return nil, bad(values[i], "null cannot be part of a list of values; put `%s: null` in a search identifier of its own", mods.field)
		case mods.field == "":
			return nil, bad(values[i], "a keyword cannot be null")
		case len(mods.steps) > 0 || mods.kind != "" || mods.all || mods.neq:
			return nil, bad(values[i], "null cannot be used with modifiers")
		}
		return nullItem{field: field}, nil
	}
	if mods.all && len(values) < 2 {
		return nil, bad(keyNode, "the all modifier needs a list of two or more values")
	}
	if mods.kind == "exists" {
		b, ok := boolValue(values[0])
		if !ok || len(values) != 1 {
			return nil, bad(val, "exists needs true or false, found %s", kindName(values[0]))
		}
		return existsItem{field: field, want: b}, nil
	}
	it := &item{field: field, all: mods.all, neq: mods.neq}
	switch {
	case mods.kind == "re":
		it.t, it.lits, err = regexTest(values, mods, field, bad)
	case mods.kind == "cidr":
		it.t, err = cidrValues(values, bad)
	case mods.compare != "" || mods.timePart != "":
		it.t, err = numberValues(values, mods, bad)
	case mods.kind == "fieldref":
		it.t, err = refValues(values, mods, bad)
	default:
		var st *strTest
		st, it.lits, err = c.stringValues(values, mods, field, bad)
		it.t = st
	}
	if err != nil {
		return nil, err
	}
	return it, nil
}

// itemValues lists the values of an item: one scalar or a list of scalars.
func itemValues(where, key string, val *yaml.Node) ([]*yaml.Node, error) {
	val = deref(val)
	if val == nil {
		return nil, errorf(0, where, "%q has no value", key)
	}
	switch val.Kind {
	case yaml.ScalarNode:
		return []*yaml.Node{val}, nil
	case yaml.SequenceNode:
		if len(val.Content) == 0 {
			return nil, errorf(val.Line, where, "%q has an empty list of values", key)
		}
		out := make([]*yaml.Node, len(val.Content))
		for i, e := range val.Content {
			e = deref(e)
			if e == nil || e.Kind != yaml.ScalarNode {
				return nil, errorf(line(e), where, "values of %q must be plain values, found %s", key, kindName(e))
			}
			out[i] = e
		}
		return out, nil
	}
	return nil, errorf(val.Line, where, "the value of %q must be a value or a list of values, found %s", key, kindName(val))
}

func nullIndex(values []*yaml.Node) int {
	for i, v := range values {
		if isNull(v) {
			return i
		}
	}
	return -1
}

func boolValue(n *yaml.Node) (bool, bool) {
	if n.ShortTag() != "!!bool" {
		return false, false
	}
	b, err := strconv.ParseBool(strings.ToLower(n.Value))
	return b, err == nil
}

// badFunc reports a problem with a value.
type badFunc func(n *yaml.Node, format string, args ...any) error

func regexTest(values []*yaml.Node, mods *modifiers, field event.FieldID, bad badFunc) (valueTest, []Literal, error) {
	flags := ""
	if mods.reFlags != "" {
		flags = "(?" + mods.reFlags + ")"
	}
	t := &reTest{}
	exprs := make([]string, 0, len(values))
	for _, v := range values {
		re, err := regexp.Compile(flags + v.Value)
		if err != nil {
			return nil, nil, bad(v, "invalid regular expression %q: %s", v.Value, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		lits, fold := regexGate(flags + v.Value)
		t.res = append(t.res, re)
		t.gates = append(t.gates, reGate{lits, fold})
		exprs = append(exprs, flags+v.Value)
	}
	return t, regexItemLiterals(field, exprs, mods.all), nil
}

func cidrValues(values []*yaml.Node, bad badFunc) (valueTest, error) {
	t := &cidrTest{}
	for _, v := range values {
		p, err := netip.ParsePrefix(strings.TrimSpace(v.Value))
		if err != nil {
			return nil, bad(v, "invalid CIDR network %q", v.Value)
		}
		t.nets = append(t.nets, p.Masked())
	}
	return t, nil
}

func numberValues(values []*yaml.Node, mods *modifiers, bad badFunc) (valueTest, error) {
	t := &cmpTest{op: mods.compare, part: mods.timePart}
	for _, v := range values {
		x, ok := parseNumber(v.Value)
		if !ok || v.ShortTag() == "!!bool" {
			return nil, bad(v, "%s needs a number, found %q", mods.kind, v.Value)
		}
		t.nums = append(t.nums, x)
	}
	return t, nil
}

func refValues(values []*yaml.Node, mods *modifiers, bad badFunc) (valueTest, error) {
	t := &refTest{kind: pEq, cased: mods.cased}
	lead, trail := false, false
	for _, s := range mods.steps {
		lead = lead || s == "contains" || s == "endswith"
		trail = trail || s == "contains" || s == "startswith"
	}
	switch {
	case lead && trail:
		t.kind = pContains
	case lead:
		t.kind = pSuffix
	case trail:
		t.kind = pPrefix
	}
	for _, v := range values {
		if v.ShortTag() != "!!str" || strings.TrimSpace(v.Value) == "" {
			return nil, bad(v, "fieldref needs a field name, found %s %q", kindName(v), v.Value)
		}
		t.refs = append(t.refs, event.Intern(v.Value))
	}
	return t, nil
}

// stringValues compiles the values of a string item: each written value is
// parsed for wildcards, put through the transformation modifiers in the
// order written, and becomes one group of patterns.
func (c *compiler) stringValues(values []*yaml.Node, mods *modifiers, field event.FieldID, bad badFunc) (*strTest, []Literal, error) {
	t := &strTest{cased: mods.cased}
	var groups [][]pattern
	for _, v := range values {
		variants, err := c.variants(v, mods, bad)
		if err != nil {
			return nil, nil, err
		}
		preds := make([]strPred, 0, len(variants))
		for _, p := range variants {
			if !mods.cased {
				p = lowerPattern(p)
			}
			preds = append(preds, newPred(p))
		}
		t.group = append(t.group, preds)
		t.flat = append(t.flat, preds...)
		groups = append(groups, variants)
	}
	if len(t.flat) >= manyPatterns {
		t.many = newMultiMatch(t.flat)
	}
	var lits []Literal
	if !mods.all {
		var flat []pattern
		for _, g := range groups {
			flat = append(flat, g...)
		}
		lits = patternLiterals(field, flat)
	} else {
		for _, g := range groups {
			if l := patternLiterals(field, g); l != nil && (lits == nil || betterLiterals(l, lits)) {
				lits = l
			}
		}
	}
	return t, lits, nil
}

// variants turns one written value into the patterns it stands for.
func (c *compiler) variants(v *yaml.Node, mods *modifiers, bad badFunc) ([]pattern, error) {
	var out []pattern
	if len(mods.steps) == 0 && v.ShortTag() == "!!int" {
		// a number matches as written and in decimal: 0x10 also matches "16"
		out = append(out, literalPattern(v.Value))
		if n, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64); err == nil {
			if d := strconv.FormatInt(n, 10); d != v.Value {
				out = append(out, literalPattern(d))
			}
		}
		return out, nil
	}
	text := v.Value
	if v.ShortTag() == "!!bool" {
		text = strings.ToLower(text)
	}
	out = []pattern{parseValue(text, mods.expand)}
	if mods.field == "" && !mods.positional() {
		// a keyword is searched for anywhere in a value
		out[0] = out[0].withStars(true, true)
	}
	for _, step := range mods.steps {
		var err error
		if out, err = c.step(step, out, v, bad); err != nil {
			return nil, err
		}
		if len(out) > maxVariants {
			return nil, bad(v, "value %q expands to more than %d alternatives", v.Value, maxVariants)
		}
	}
	for _, p := range out {
		if p.has(tPlaceholder) {
			return nil, bad(v, "placeholder in %q needs the expand modifier", v.Value)
		}
	}
	return out, nil
}

// step applies one transformation modifier to every variant.
func (c *compiler) step(name string, in []pattern, v *yaml.Node, bad badFunc) ([]pattern, error) {
	out := make([]pattern, 0, len(in))
	for _, p := range in {
		switch name {
		case "contains":
			out = append(out, p.withStars(true, true))
		case "startswith":
			out = append(out, p.withStars(false, true))
		case "endswith":
			out = append(out, p.withStars(true, false))
		case "windash":
			ws, ok := windash(p)
			if !ok {
				return nil, bad(v, "windash would create more than %d variants of %q", maxVariants, v.Value)
			}
			out = append(out, ws...)
		case "base64", "base64offset":
			if p.wild() || p.has(tPlaceholder) {
				return nil, bad(v, "%s cannot encode wildcards or placeholders in %q; apply contains, startswith or endswith after it (e.g. |%s|contains)", name, v.Value, name)
			}
			if name == "base64" {
				out = append(out, literalPattern(base64.StdEncoding.EncodeToString([]byte(p.text()))))
				continue
			}
			if len(p.text()) < 2 {
				return nil, bad(v, "%q is too short for base64offset: a single byte has no stable encoding at every offset", v.Value)
			}
			vs := base64Variants(p.text())
			for _, s := range vs {
				out = append(out, literalPattern(s))
			}
		case "utf16le", "wide", "utf16be", "utf16":
			if p.has(tPlaceholder) {
				return nil, bad(v, "%s cannot encode a placeholder in %q; put expand before it", name, v.Value)
			}
			out = append(out, encodeUTF16(p, name == "utf16be", name == "utf16"))
		case "expand":
			es, err := c.expand(p, v, bad)
			if err != nil {
				return nil, err
			}
			out = append(out, es...)
		}
		if len(out) > maxVariants {
			return nil, bad(v, "value %q expands to more than %d alternatives", v.Value, maxVariants)
		}
	}
	return out, nil
}

// expand replaces each %name% placeholder of p by each value configured for
// it in Options.Placeholders (values may use wildcards).
func (c *compiler) expand(p pattern, v *yaml.Node, bad badFunc) ([]pattern, error) {
	out := []pattern{nil}
	for _, t := range p {
		if t.kind != tPlaceholder {
			for i := range out {
				out[i] = append(out[i], t)
			}
			continue
		}
		vals, ok := c.opts.Placeholders[t.s]
		if !ok {
			return nil, bad(v, "placeholder %%%s%% is not defined: the expand modifier needs its values from a placeholder file (vigil --placeholders FILE)", t.s)
		}
		next := make([]pattern, 0, len(out)*len(vals))
		for _, o := range out {
			for _, val := range vals {
				q := append(append(pattern{}, o...), parseValue(val, false)...)
				next = append(next, q)
			}
		}
		if len(next) > maxVariants {
			return nil, bad(v, "placeholders in %q expand to more than %d alternatives", v.Value, maxVariants)
		}
		out = next
	}
	for i := range out {
		out[i] = out[i].normal()
	}
	return out, nil
}

// lowerPattern lower-cases the text of p for case-insensitive matching,
// the same way the event lower-cases its values.
func lowerPattern(p pattern) pattern {
	out := make(pattern, len(p))
	for i, t := range p {
		if t.kind == tLit {
			t.s = event.ToLowerASCII(t.s)
		}
		out[i] = t
	}
	return out
}
