package eventstore

import (
	"fmt"
	"strings"
)

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokTerm
	tokAnd
	tokOr
	tokNot
	tokLParen
	tokRParen
)

// token is one lexed token; col is its 1-based byte column.
type token struct {
	kind tokKind
	col  int
	text string // as written
	term *term
}

func (t token) describe() string {
	if t.kind == tokEOF {
		return "the end of the query"
	}
	return fmt.Sprintf("%q", t.text)
}

// word is a term as lexed: an optional field and operator, and the value
// split at unquoted * wildcards.
type word struct {
	field  string
	op     op
	parts  []string
	quoted bool // some of the value was quoted
}

// lex splits s into tokens, ending with tokEOF.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			return append(toks, token{kind: tokEOF, col: i + 1}), nil
		}
		col := i + 1
		switch c := s[i]; {
		case c == '(':
			toks = append(toks, token{kind: tokLParen, col: col, text: "("})
			i++
			continue
		case c == ')':
			toks = append(toks, token{kind: tokRParen, col: col, text: ")"})
			i++
			continue
		case c == '-' && i+1 < len(s) && !isSpace(s[i+1]) && s[i+1] != ')':
			toks = append(toks, token{kind: tokNot, col: col, text: "-"})
			i++
			continue
		}
		end := wordEnd(s, i)
		text := s[i:end]
		switch text {
		case "AND":
			toks = append(toks, token{kind: tokAnd, col: col, text: text})
		case "OR":
			toks = append(toks, token{kind: tokOr, col: col, text: text})
		case "NOT":
			toks = append(toks, token{kind: tokNot, col: col, text: text})
		default:
			w, err := splitWord(text, col)
			if err != nil {
				return nil, err
			}
			t, err := compileTerm(w, col, text)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokTerm, col: col, text: text, term: t})
		}
		i = end
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// wordEnd returns the end of the word starting at i: the next unquoted
// space or parenthesis. An unterminated quote runs to the end, where
// splitWord reports it.
func wordEnd(s string, i int) int {
	inQuote := false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\\' && i+1 < len(s):
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && (isSpace(c) || c == '(' || c == ')'):
			return i
		}
	}
	return i
}

// splitWord finds a field and operator in the unquoted start of text and
// splits the value at unquoted wildcards, unescaping quoted parts.
func splitWord(text string, col int) (word, error) {
	var w word
	rest := text
	if n := fieldEnd(text); n > 0 {
		w.field, rest = text[:n], text[n:]
		switch {
		case strings.HasPrefix(rest, ">="):
			w.op, rest = opGE, rest[2:]
		case strings.HasPrefix(rest, "<="):
			w.op, rest = opLE, rest[2:]
		case rest[0] == '>':
			w.op, rest = opGT, rest[1:]
		case rest[0] == '<':
			w.op, rest = opLT, rest[1:]
		default: // ':' or '='
			w.op, rest = opEq, rest[1:]
		}
	}
	var cur strings.Builder
	off := len(text) - len(rest)
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c == '*':
			w.parts = append(w.parts, cur.String())
			cur.Reset()
		case c == '"':
			w.quoted = true
			j, err := readQuoted(rest, i+1, &cur)
			if err != nil {
				return w, &SyntaxError{Column: col + off + i, Token: text, Msg: "unterminated quote in " + text}
			}
			i = j
		default:
			cur.WriteByte(c)
		}
	}
	w.parts = append(w.parts, cur.String())
	return w, nil
}

// readQuoted appends the quoted text from i up to its closing quote to b,
// unescaping \" and \\, and returns the closing quote's index.
func readQuoted(s string, i int, b *strings.Builder) (int, error) {
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case c == '"':
			return i, nil
		default:
			b.WriteByte(c)
		}
	}
	return i, fmt.Errorf("unterminated")
}

// fieldEnd returns the length of a field name at the start of text that an
// operator follows, or 0 when text is a bare word.
func fieldEnd(text string) int {
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == ':' || c == '=' || c == '<' || c == '>':
			return i
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-', c == '@', c == '/':
		default:
			return 0
		}
	}
	return 0
}
