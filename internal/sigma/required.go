package sigma

import (
	"sort"
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

// literalCost estimates how often a set of literals lets an event through
// the prefilter: each literal counts for about 2^-len (a short string occurs
// almost everywhere), so the best set has few and long literals.
func literalCost(ls []Literal) float64 {
	c := 0.0
	for _, l := range ls {
		n := min(len(l.Text), 16)
		c += 1 / float64(uint64(1)<<n)
	}
	return c
}

// betterLiterals reports whether a is a more selective set than b.
func betterLiterals(a, b []Literal) bool {
	ca, cb := literalCost(a), literalCost(b)
	if ca != cb {
		return ca < cb
	}
	return len(a) < len(b)
}

// maxImplicationCheck bounds the list length for which minimalLiterals
// looks for literals implied by shorter ones.
const maxImplicationCheck = 256

// minimalLiterals removes duplicates and every literal implied by a shorter
// one: an event containing "cmd.exe" contains "cmd", so {"cmd", "cmd.exe"}
// needs only "cmd". A keyword literal (Field 0) implies the same text in any
// field. The result is sorted for stable output.
func minimalLiterals(ls []Literal) []Literal {
	if ls == nil {
		return nil
	}
	sort.Slice(ls, func(i, j int) bool {
		if len(ls[i].Text) != len(ls[j].Text) {
			return len(ls[i].Text) < len(ls[j].Text)
		}
		if ls[i].Text != ls[j].Text {
			return ls[i].Text < ls[j].Text
		}
		return ls[i].Field < ls[j].Field
	})
	out := make([]Literal, 0, len(ls))
	for i, l := range ls {
		if i > 0 && l == ls[i-1] {
			continue
		}
		// the implication check is quadratic; long lists keep only
		// distinct literals, which is as sound and a little less tight
		if len(ls) > maxImplicationCheck || !impliedBy(l, out) {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Text < out[j].Text
	})
	return out
}

func impliedBy(l Literal, kept []Literal) bool {
	for _, k := range kept {
		if (k.Field == l.Field || k.Field == 0) && strings.Contains(l.Text, k.Text) {
			return true
		}
	}
	return false
}

// fragment returns the longest run of plain text in p: every value p
// matches contains it. It is "" when p has no text.
func fragment(p pattern) string {
	best := ""
	for _, t := range p {
		if t.kind == tLit && len(t.s) > len(best) {
			best = t.s
		}
	}
	return best
}

// patternLiterals gives one literal per pattern for field, lower-cased;
// nil when some pattern has no text to require.
func patternLiterals(field event.FieldID, ps []pattern) []Literal {
	out := make([]Literal, 0, len(ps))
	for _, p := range ps {
		f := fragment(p)
		if f == "" {
			return nil
		}
		out = append(out, Literal{Field: field, Text: event.ToLowerASCII(f)})
	}
	return minimalLiterals(out)
}
