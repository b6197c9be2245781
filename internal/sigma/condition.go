package sigma

import (
	"fmt"
	"strings"
)

// cond is a parsed condition expression.
type cond struct {
	op   condOp
	kids []*cond // and, or: two or more; not: one
	name string  // identifier, or the pattern of "1 of" / "all of" ("" for them)
	all  bool    // "all of" rather than "1 of"
	off  int     // byte offset in the condition, for messages
}

type condOp uint8

const (
	opIdent condOp = iota
	opAnd
	opOr
	opNot
	opOf
)

// maxCondDepth bounds nesting of parentheses and nots.
const maxCondDepth = 100

// condToken is one token of a condition.
type condToken struct {
	text string
	off  int
}

// lexCondition splits a condition into words and parentheses. A pipe starts
// the deprecated aggregation syntax, which is refused.
func lexCondition(s string) ([]condToken, error) {
	var toks []condToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, condToken{s[i : i+1], i})
			i++
		case c == '|':
			return nil, fmt.Errorf("aggregation %q at offset %d is the deprecated Sigma 1 syntax; write a correlation rule instead (sigma-correlation-rules-specification)", strings.TrimSpace(s[i:]), i)
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()|", rune(s[j])) {
				j++
			}
			toks = append(toks, condToken{s[i:j], i})
			i = j
		}
	}
	return toks, nil
}

// condParser is a recursive-descent parser for the condition grammar:
//
//	expr    = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | primary
//	primary = "(" expr ")" | ("1" | "all") "of" (pattern | "them") | identifier
//
// so that not binds tighter than and, and and tighter than or. Keywords are
// case-insensitive; identifiers are not.
type condParser struct {
	toks  []condToken
	pos   int
	depth int
	src   string
}

// parseCondition parses one condition string.
func parseCondition(s string) (*cond, error) {
	toks, err := lexCondition(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("condition is empty")
	}
	p := &condParser{toks: toks, src: s}
	c, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		t := p.toks[p.pos]
		return nil, fmt.Errorf("unexpected %q at offset %d (expected and, or, or the end)", t.text, t.off)
	}
	return c, nil
}

func (p *condParser) peek() (condToken, bool) {
	if p.pos < len(p.toks) {
		return p.toks[p.pos], true
	}
	return condToken{off: len(p.src)}, false
}

func (p *condParser) isKeyword(word string) bool {
	t, ok := p.peek()
	return ok && strings.EqualFold(t.text, word)
}

func (p *condParser) expr() (*cond, error) {
	return p.binary(opOr, "or", p.and)
}

func (p *condParser) and() (*cond, error) {
	return p.binary(opAnd, "and", p.unary)
}

func (p *condParser) binary(op condOp, word string, next func() (*cond, error)) (*cond, error) {
	left, err := next()
	if err != nil {
		return nil, err
	}
	kids := []*cond{left}
	for p.isKeyword(word) {
		p.pos++
		right, err := next()
		if err != nil {
			return nil, err
		}
		kids = append(kids, right)
	}
	if len(kids) == 1 {
		return left, nil
	}
	return &cond{op: op, kids: kids, off: left.off}, nil
}

func (p *condParser) unary() (*cond, error) {
	if !p.isKeyword("not") {
		return p.primary()
	}
	t, _ := p.peek()
	p.pos++
	if p.depth++; p.depth > maxCondDepth {
		return nil, fmt.Errorf("condition nests deeper than %d at offset %d", maxCondDepth, t.off)
	}
	defer func() { p.depth-- }()
	kid, err := p.unary()
	if err != nil {
		return nil, err
	}
	return &cond{op: opNot, kids: []*cond{kid}, off: t.off}, nil
}

func (p *condParser) primary() (*cond, error) {
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("condition ends early at offset %d (expected a search identifier)", t.off)
	}
	switch {
	case t.text == "(":
		p.pos++
		if p.depth++; p.depth > maxCondDepth {
			return nil, fmt.Errorf("condition nests deeper than %d at offset %d", maxCondDepth, t.off)
		}
		defer func() { p.depth-- }()
		c, err := p.expr()
		if err != nil {
			return nil, err
		}
		if !p.isKeyword(")") {
			u, _ := p.peek()
			return nil, fmt.Errorf("missing ')' for the '(' at offset %d (found %q at offset %d)", t.off, u.text, u.off)
		}
		p.pos++
		return c, nil
	case t.text == ")":
		return nil, fmt.Errorf("unexpected ')' at offset %d", t.off)
	case p.pos+1 < len(p.toks) && strings.EqualFold(p.toks[p.pos+1].text, "of"):
		return p.quantifier(t)
	case isReserved(t.text):
		return nil, fmt.Errorf("unexpected %q at offset %d (expected a search identifier)", t.text, t.off)
	case strings.Contains(t.text, "*"):
		return nil, fmt.Errorf("wildcard %q at offset %d needs '1 of' or 'all of' before it", t.text, t.off)
	}
	p.pos++
	return &cond{op: opIdent, name: t.text, off: t.off}, nil
}

// quantifier parses "1 of X", "all of X", "1 of them", "all of them".
func (p *condParser) quantifier(t condToken) (*cond, error) {
	var all bool
	switch {
	case t.text == "1":
	case strings.EqualFold(t.text, "all"):
		all = true
	case strings.EqualFold(t.text, "any"):
		return nil, fmt.Errorf("%q at offset %d: Sigma writes '1 of'", t.text+" of", t.off)
	default:
		return nil, fmt.Errorf("%q at offset %d: only '1 of' and 'all of' are defined", t.text+" of", t.off)
	}
	p.pos += 2
	target, ok := p.peek()
	if !ok || target.text == "(" || target.text == ")" || isReserved(target.text) && !strings.EqualFold(target.text, "them") {
		return nil, fmt.Errorf("%q at offset %d needs a search identifier pattern or 'them'", t.text+" of", t.off)
	}
	p.pos++
	name := target.text
	if strings.EqualFold(name, "them") {
		name = ""
	}
	return &cond{op: opOf, name: name, all: all, off: t.off}, nil
}

func isReserved(w string) bool {
	switch strings.ToLower(w) {
	case "and", "or", "not", "of", "them":
		return true
	}
	return false
}

// idents are the search identifiers of a detection, in the order written.
type idents struct {
	names []string
	m     map[string]matcher
}

// compileCond binds a parsed condition to compiled search identifiers.
// Patterns match identifiers with '*' as any run of characters; "them"
// means every identifier not starting with an underscore.
func compileCond(c *cond, ids *idents) (matcher, error) {
	switch c.op {
	case opIdent:
		m, ok := ids.m[c.name]
		if !ok {
			return nil, fmt.Errorf("unknown search identifier %q at offset %d%s", c.name, c.off, closest(c.name, ids.names))
		}
		return m, nil
	case opNot:
		k, err := compileCond(c.kids[0], ids)
		if err != nil {
			return nil, err
		}
		if n, ok := k.(notNode); ok {
			return n.m, nil
		}
		return notNode{k}, nil
	case opOf:
		var ms []matcher
		for _, n := range ids.names {
			if c.name == "" && !strings.HasPrefix(n, "_") || c.name != "" && globName(c.name, n) {
				ms = append(ms, ids.m[n])
			}
		}
		if len(ms) == 0 {
			what := "them"
			if c.name != "" {
				what = c.name
			}
			return nil, fmt.Errorf("%q at offset %d matches no search identifier", what, c.off)
		}
		if c.all {
			return newAnd(ms...), nil
		}
		return newOr(ms...), nil
	}
	kids := make([]matcher, len(c.kids))
	for i, k := range c.kids {
		m, err := compileCond(k, ids)
		if err != nil {
			return nil, err
		}
		kids[i] = m
	}
	if c.op == opAnd {
		return newAnd(kids...), nil
	}
	return newOr(kids...), nil
}

// globName matches an identifier against a pattern where '*' is any run of
// characters (the condition's wildcard identifiers); nothing else is special.
func globName(pat, name string) bool {
	var p pattern
	for i, part := range strings.Split(pat, "*") {
		if i > 0 {
			p = append(p, tok{kind: tStar})
		}
		p = append(p, tok{kind: tLit, s: part})
	}
	pred := newPred(p.normal())
	return pred.match(name)
}

// closest suggests a defined identifier for a misspelt one.
func closest(name string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// String renders c with explicit grouping, e.g. "(or (and a (not b)) c)".
func (c *cond) String() string {
	switch c.op {
	case opIdent:
		return c.name
	case opOf:
		q, target := "1", c.name
		if c.all {
			q = "all"
		}
		if target == "" {
			target = "them"
		}
		return "(" + q + " of " + target + ")"
	}
	parts := make([]string, 0, len(c.kids)+1)
	parts = append(parts, [...]string{opAnd: "and", opOr: "or", opNot: "not"}[c.op])
	for _, k := range c.kids {
		parts = append(parts, k.String())
	}
	return "(" + strings.Join(parts, " ") + ")"
}
