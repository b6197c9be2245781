package sigma

import (
	"strings"
	"unicode/utf8"
)

// predKind is how a string pattern is compared.
type predKind uint8

const (
	pEq       predKind = iota // the whole value
	pPrefix                   // text*
	pSuffix                   // *text
	pContains                 // *text*
	pAny                      // *
	pGlob                     // anything else with wildcards
)

// strPred is one compiled string pattern. Patterns without real wildcards
// use plain string functions; only the rest go through the glob matcher.
type strPred struct {
	kind predKind
	s    string
	g    *glob
}

func (p *strPred) match(v string) bool {
	switch p.kind {
	case pEq:
		return v == p.s
	case pPrefix:
		return strings.HasPrefix(v, p.s)
	case pSuffix:
		return strings.HasSuffix(v, p.s)
	case pContains:
		return strings.Contains(v, p.s)
	case pAny:
		return true
	}
	return p.g.match(v)
}

// newPred compiles pattern p (already lower-cased when matching is
// case-insensitive).
func newPred(p pattern) strPred {
	kinds := make([]tokKind, len(p))
	for i, t := range p {
		kinds[i] = t.kind
	}
	switch {
	case len(p) == 0:
		return strPred{kind: pEq}
	case len(p) == 1 && kinds[0] == tLit:
		return strPred{kind: pEq, s: p[0].s}
	case len(p) == 1 && kinds[0] == tStar:
		return strPred{kind: pAny}
	case len(p) == 2 && kinds[0] == tLit && kinds[1] == tStar:
		return strPred{kind: pPrefix, s: p[0].s}
	case len(p) == 2 && kinds[0] == tStar && kinds[1] == tLit:
		return strPred{kind: pSuffix, s: p[1].s}
	case len(p) == 3 && kinds[0] == tStar && kinds[1] == tLit && kinds[2] == tStar:
		return strPred{kind: pContains, s: p[1].s}
	}
	return strPred{kind: pGlob, g: newGlob(p)}
}

// glob matches a pattern with '*' (any run of characters) and '?' (one
// character). The pattern is cut at its stars into segments; the first
// must match at the start unless the pattern starts with a star, the last
// at the end unless it ends with one, and the others are placed greedily
// leftmost, which finds a match whenever there is one.
type glob struct {
	segs        []segment
	lead, trail bool // the pattern starts / ends with a star
}

// segment is a run of text and '?' between stars.
type segment struct {
	toks  []tok // tLit and tOne only
	plain string
	ones  int // number of '?'
	bytes int // bytes of text
}

func newGlob(p pattern) *glob {
	g := &glob{lead: len(p) > 0 && p[0].kind == tStar, trail: len(p) > 0 && p[len(p)-1].kind == tStar}
	var cur segment
	started := false
	for _, t := range p {
		if t.kind == tStar {
			if started {
				g.segs = append(g.segs, cur.finish())
			}
			cur, started = segment{}, false
			continue
		}
		started = true
		cur.toks = append(cur.toks, t)
	}
	if started {
		g.segs = append(g.segs, cur.finish())
	}
	return g
}

func (s segment) finish() segment {
	for _, t := range s.toks {
		if t.kind == tOne {
			s.ones++
		} else {
			s.bytes += len(t.s)
		}
	}
	if s.ones == 0 && len(s.toks) == 1 {
		s.plain = s.toks[0].s
	}
	return s
}

// at reports whether s matches v starting at byte pos, and where it ends.
func (s *segment) at(v string, pos int) (int, bool) {
	if s.ones == 0 && s.plain != "" {
		if strings.HasPrefix(v[pos:], s.plain) {
			return pos + len(s.plain), true
		}
		return 0, false
	}
	for _, t := range s.toks {
		if t.kind == tOne {
			if pos >= len(v) {
				return 0, false
			}
			_, n := utf8.DecodeRuneInString(v[pos:])
			pos += n
			continue
		}
		if !strings.HasPrefix(v[pos:], t.s) {
			return 0, false
		}
		pos += len(t.s)
	}
	return pos, true
}

// find returns the end of the leftmost match of s at or after pos.
func (s *segment) find(v string, pos int) (int, bool) {
	if s.ones == 0 && s.plain != "" {
		i := strings.Index(v[pos:], s.plain)
		if i < 0 {
			return 0, false
		}
		return pos + i + len(s.plain), true
	}
	for start := pos; start <= len(v); {
		if end, ok := s.at(v, start); ok {
			return end, true
		}
		if start == len(v) {
			break
		}
		_, n := utf8.DecodeRuneInString(v[start:])
		start += n
	}
	return 0, false
}

// atEnd reports whether s matches v ending exactly at len(v), starting no
// earlier than pos.
func (s *segment) atEnd(v string, pos int) bool {
	if s.ones == 0 && s.plain != "" {
		return len(v)-len(s.plain) >= pos && strings.HasSuffix(v, s.plain)
	}
	// the segment spans its text plus one to four bytes per '?'
	lo := max(pos, len(v)-s.bytes-utf8.UTFMax*s.ones)
	hi := len(v) - s.bytes - s.ones
	for start := lo; start <= hi; start++ {
		if start < len(v) && !utf8.RuneStart(v[start]) {
			continue
		}
		if end, ok := s.at(v, start); ok && end == len(v) {
			return true
		}
	}
	return false
}

func (g *glob) match(v string) bool {
	segs := g.segs
	pos := 0
	if len(segs) == 0 {
		return g.lead || v == ""
	}
	if !g.lead {
		end, ok := segs[0].at(v, 0)
		if !ok {
			return false
		}
		if len(segs) == 1 && !g.trail {
			return end == len(v)
		}
		pos, segs = end, segs[1:]
	}
	last := len(segs)
	if !g.trail && last > 0 {
		last--
	}
	for i := 0; i < last; i++ {
		end, ok := segs[i].find(v, pos)
		if !ok {
			return false
		}
		pos = end
	}
	if !g.trail && len(segs) > 0 {
		return segs[len(segs)-1].atEnd(v, pos)
	}
	return true
}
