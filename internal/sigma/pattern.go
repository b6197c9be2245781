package sigma

import "strings"

// tokKind is the kind of one piece of a Sigma string value.
type tokKind uint8

const (
	tLit         tokKind = iota // plain text
	tStar                       // '*': any run of characters
	tOne                        // '?': exactly one character
	tPlaceholder                // %name%, only with the expand modifier
)

// tok is one piece of a Sigma string value.
type tok struct {
	kind tokKind
	s    string // text of tLit, name of tPlaceholder
}

// pattern is a Sigma string value split into text and wildcards, with the
// escapes already resolved. Adjacent texts are merged and stars collapsed.
type pattern []tok

// parseValue splits a rule's string value into text and wildcards. A
// backslash escapes '*', '?' and itself; before any other character it is
// a plain backslash, so `C:\Windows` and `C:\\Windows` are the same value
// and `\\*` is a backslash followed by a wildcard (rules specification,
// "Escape Character"). With placeholders set (the expand modifier),
// %name% is a placeholder and `\%` a plain percent sign.
func parseValue(s string, placeholders bool) pattern {
	var p pattern
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			p = append(p, tok{kind: tLit, s: b.String()})
			b.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isEscapable(s[i+1], placeholders):
			b.WriteByte(s[i+1])
			i++
		case c == '*':
			flush()
			p = append(p, tok{kind: tStar})
		case c == '?':
			flush()
			p = append(p, tok{kind: tOne})
		case c == '%' && placeholders:
			if n := placeholderName(s[i+1:]); n != "" {
				flush()
				p = append(p, tok{kind: tPlaceholder, s: n})
				i += len(n) + 1
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	flush()
	return p.normal()
}

func isEscapable(c byte, placeholders bool) bool {
	return c == '*' || c == '?' || c == '\\' || placeholders && c == '%'
}

// placeholderName returns the name of a placeholder whose opening '%' came
// just before s, or "" when s does not continue as "name%".
func placeholderName(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i == 0 {
				return ""
			}
			return s[:i]
		case c == '_' || c == '-' || c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
		default:
			return ""
		}
	}
	return ""
}

// literalPattern is a pattern of plain text, without wildcards.
func literalPattern(s string) pattern {
	if s == "" {
		return nil
	}
	return pattern{{kind: tLit, s: s}}
}

// normal merges adjacent texts and collapses runs of stars.
func (p pattern) normal() pattern {
	out := p[:0:0]
	for _, t := range p {
		if len(out) > 0 {
			last := &out[len(out)-1]
			if t.kind == tLit && last.kind == tLit {
				last.s += t.s
				continue
			}
			if t.kind == tStar && last.kind == tStar {
				continue
			}
		}
		if t.kind == tLit && t.s == "" {
			continue
		}
		out = append(out, t)
	}
	return out
}

// has reports whether p contains a piece of kind k.
func (p pattern) has(k tokKind) bool {
	for _, t := range p {
		if t.kind == k {
			return true
		}
	}
	return false
}

// wild reports whether p has a wildcard.
func (p pattern) wild() bool { return p.has(tStar) || p.has(tOne) }

// text returns the plain text of a pattern without wildcards.
func (p pattern) text() string {
	var b strings.Builder
	for _, t := range p {
		b.WriteString(t.s)
	}
	return b.String()
}

// withStars puts a star before (lead) and after (trail) p unless one is there.
func (p pattern) withStars(lead, trail bool) pattern {
	out := make(pattern, 0, len(p)+2)
	if lead && (len(p) == 0 || p[0].kind != tStar) {
		out = append(out, tok{kind: tStar})
	}
	out = append(out, p...)
	if trail && (len(out) == 0 || out[len(out)-1].kind != tStar) {
		out = append(out, tok{kind: tStar})
	}
	return out.normal()
}

// String renders p back in Sigma notation, for messages and tests.
func (p pattern) String() string {
	var b strings.Builder
	for _, t := range p {
		switch t.kind {
		case tStar:
			b.WriteByte('*')
		case tOne:
			b.WriteByte('?')
		case tPlaceholder:
			b.WriteString("%" + t.s + "%")
		default:
			for i := 0; i < len(t.s); i++ {
				if c := t.s[i]; c == '*' || c == '?' || c == '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(t.s[i])
			}
		}
	}
	return b.String()
}
