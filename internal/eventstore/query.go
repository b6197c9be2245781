package eventstore

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

// Expr is a parsed search expression. String renders it with explicit
// operators and parentheses, for messages and tests.
type Expr interface {
	String() string
	compile() node
}

// Operators of a term.
type op uint8

const (
	opContains op = iota // bare word or phrase: any value contains it
	opEq                 // field:value, field=value (with * wildcards)
	opGT
	opGE
	opLT
	opLE
)

var opText = [...]string{opEq: ":", opGT: ">", opGE: ">=", opLT: "<", opLE: "<="}

// Special fields name an event's metadata rather than one of its fields.
var specialFields = map[string]bool{"host": true, "source": true, "product": true, "category": true, "service": true}

// term is one condition. Text values are lower-cased; parts are the
// literal pieces between unquoted * wildcards (one piece: no wildcard).
type term struct {
	field string // lower-cased; "" for any field
	op    op
	parts []string
	num   float64
}

func (t *term) String() string {
	v := renderParts(t.parts)
	switch {
	case t.field == "":
		return v
	case t.op == opEq:
		return t.field + ":" + v
	}
	return t.field + opText[t.op] + strconv.FormatFloat(t.num, 'g', -1, 64)
}

// renderParts writes a value as the lexer reads it back: each literal
// part quoted (escaping only " and \\), the wildcards between them bare.
func renderParts(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('*')
		}
		if p == "" && len(parts) > 1 {
			continue
		}
		b.WriteByte('"')
		for j := 0; j < len(p); j++ {
			if p[j] == '"' || p[j] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(p[j])
		}
		b.WriteByte('"')
	}
	return b.String()
}

type andExpr struct{ kids []Expr }
type orExpr struct{ kids []Expr }
type notExpr struct{ x Expr }

func (a *andExpr) String() string { return "(" + joinExprs(a.kids, " AND ") + ")" }
func (o *orExpr) String() string  { return "(" + joinExprs(o.kids, " OR ") + ")" }
func (n *notExpr) String() string { return "NOT " + n.x.String() }

func joinExprs(xs []Expr, sep string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return strings.Join(s, sep)
}

// ParseQuery parses the search language:
//
//	term term          both (AND is implied; AND may be written)
//	a OR b             either; NOT binds tighter than AND, AND than OR
//	NOT term, -term    not
//	( ... )            grouping
//	field:value        the field has the value (also field=value); field
//	                   names and values compare case-insensitively, * in a
//	                   value matches any run of characters, "quoted values"
//	                   may hold spaces (and a literal *)
//	field>N  >=  <  <= the field's value is a number in that range
//	word, "a phrase"   some value contains it (case-insensitive)
//
// The fields host, source, product, category and service are the event's
// host, source and log source. An empty query gives a nil Expr, which
// matches every event. An error names the column (1-based, in bytes) and
// the offending token.
func ParseQuery(s string) (Expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := parser{toks: toks}
	if toks[0].kind == tokEOF {
		return nil, nil
	}
	x, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errAt(t, "unexpected %s", t.describe())
	}
	return x, nil
}

// A SyntaxError is a query that does not parse.
type SyntaxError struct {
	Column int    // 1-based byte column of the offending token
	Token  string // the token as written, "" at the end of the query
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("query column %d: %s", e.Column, e.Msg)
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }

func (p *parser) errAt(t token, format string, a ...any) error {
	return &SyntaxError{Column: t.col, Token: t.text, Msg: fmt.Sprintf(format, a...)}
}

func (p *parser) or() (Expr, error) {
	var kids []Expr
	for {
		x, err := p.and()
		if err != nil {
			return nil, err
		}
		kids = append(kids, x)
		if p.peek().kind != tokOr {
			break
		}
		p.next()
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	return &orExpr{kids}, nil
}

func (p *parser) and() (Expr, error) {
	var kids []Expr
	for {
		if t := p.peek(); t.kind == tokAnd {
			if len(kids) == 0 {
				return nil, p.errAt(t, "AND needs a term before it")
			}
			p.next()
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		kids = append(kids, x)
		if k := p.peek().kind; k == tokOr || k == tokRParen || k == tokEOF {
			break
		}
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	return &andExpr{kids}, nil
}

func (p *parser) unary() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tokNot:
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &notExpr{x}, nil
	case tokLParen:
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, p.errAt(c, "missing ) for the ( at column %d, found %s", t.col, c.describe())
		}
		return x, nil
	case tokTerm:
		return t.term, nil
	}
	return nil, p.errAt(t, "expected a term, found %s", t.describe())
}

// compileTerm turns a lexed word into a term, checking its value.
func compileTerm(w word, col int, text string) (*term, error) {
	fail := func(format string, a ...any) error {
		return &SyntaxError{Column: col, Token: text, Msg: fmt.Sprintf(format, a...)}
	}
	t := &term{field: event.ToLowerASCII(w.field), op: w.op}
	for _, part := range w.parts {
		t.parts = append(t.parts, event.ToLowerASCII(part))
	}
	if t.field == "" {
		if len(t.parts) == 1 && t.parts[0] == "" {
			return nil, fail("empty phrase %s", text)
		}
		return t, nil
	}
	if t.op == opEq {
		if !w.quoted && len(t.parts) == 1 && t.parts[0] == "" {
			return nil, fail("field %q has no value in %s (write %s\"\" for an empty value)", w.field, text, w.field+":")
		}
		return t, nil
	}
	if specialFields[t.field] {
		return nil, fail("field %q is text: compare it with %s:value, not %s", w.field, w.field, opText[t.op])
	}
	v := strings.Join(w.parts, "*")
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || len(w.parts) != 1 {
		return nil, fail("field %q needs a number after %s, got %q", w.field, opText[t.op], v)
	}
	t.num, t.parts = n, nil
	return t, nil
}
