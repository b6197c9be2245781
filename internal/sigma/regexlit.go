package sigma

import (
	"regexp/syntax"

	"github.com/vigilhealth/vigil/internal/event"
)

// regexLiterals returns strings of which at least one occurs in every value
// the regular expression matches, lower-cased for the prefilter; nil when
// the expression guarantees no text (e.g. "^[0-9]+$"). Only simple shapes
// are read: literals, concatenations, alternations, groups and repeats of
// at least one.
func regexLiterals(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return reqStrings(re.Simplify(), minRegexLiteral)
}

// minRegexLiteral is the shortest literal worth requiring.
const minRegexLiteral = 3

func reqStrings(re *syntax.Regexp, minLen int) []string {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if len(s) < minLen || re.Flags&syntax.FoldCase != 0 && !safeFold(s) {
			return nil
		}
		return []string{event.ToLowerASCII(s)}
	case syntax.OpCapture:
		return reqStrings(re.Sub[0], minLen)
	case syntax.OpPlus:
		return reqStrings(re.Sub[0], minLen)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reqStrings(re.Sub[0], minLen)
		}
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if s := reqStrings(sub, minLen); s != nil && (best == nil || betterStrings(s, best)) {
				best = s
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			s := reqStrings(sub, minLen)
			if s == nil {
				return nil
			}
			all = append(all, s...)
		}
		return all
	}
	return nil
}

// safeFold reports whether a case-insensitive literal can be required
// lower-cased. Go's (?i) matches every character of a case-folding orbit;
// for ASCII letters each member lower-cases to the letter (the Kelvin sign
// to k) except the long s (ſ), which stays as it is, so s is out. Other
// scripts have more such characters (final sigma), so they are out too.
func safeFold(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i]|0x20 == 's' {
			return false
		}
	}
	return true
}

func betterStrings(a, b []string) bool {
	return betterLiterals(toLiterals(0, a), toLiterals(0, b))
}

func toLiterals(field event.FieldID, ss []string) []Literal {
	out := make([]Literal, len(ss))
	for i, s := range ss {
		out[i] = Literal{Field: field, Text: s}
	}
	return out
}

// regexItemLiterals combines the literals of an item's expressions: any
// value may match (union), or with all every one must (best of them).
func regexItemLiterals(field event.FieldID, exprs []string, all bool) []Literal {
	var out []Literal
	for _, e := range exprs {
		s := regexLiterals(e)
		switch {
		case s == nil && !all:
			return nil
		case s == nil:
			continue
		case !all:
			out = append(out, toLiterals(field, s)...)
		case out == nil || betterStrings(s, literalTexts(out)):
			out = toLiterals(field, s)
		}
	}
	return minimalLiterals(out)
}

func literalTexts(ls []Literal) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Text
	}
	return out
}

// regexGate returns strings of which one must occur in a value before the
// expression can match it: a substring test that is far cheaper than
// running the regular expression on every value it is asked about. Unlike
// the prefilter's literals these may be a single character. fold reports
// that they are lower-cased and must be looked for in the lower-cased
// value; nil means no such strings are known.
func regexGate(expr string) (lits []string, fold bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	fold = hasFoldCase(re)
	lits = reqStrings(re, 1)
	if !fold {
		// reqStrings lower-cases for the prefilter; a case-sensitive gate
		// needs the literals as written.
		lits = reqStringsCased(re)
	}
	return lits, fold
}

func hasFoldCase(re *syntax.Regexp) bool {
	if re.Flags&syntax.FoldCase != 0 && (re.Op == syntax.OpLiteral || re.Op == syntax.OpCharClass) {
		return true
	}
	for _, sub := range re.Sub {
		if hasFoldCase(sub) {
			return true
		}
	}
	return false
}

// reqStringsCased is reqStrings for a case-sensitive expression: the same
// shapes, literals kept as written, any length.
func reqStringsCased(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return reqStringsCased(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return reqStringsCased(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if s := reqStringsCased(sub); s != nil && (best == nil || betterStrings(s, best)) {
				best = s
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			s := reqStringsCased(sub)
			if s == nil {
				return nil
			}
			all = append(all, s...)
		}
		return all
	}
	return nil
}
