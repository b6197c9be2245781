package detect

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vigilhealth/vigil/internal/detect/ahocorasick"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// fieldIndex is the automaton over one field's literals. Literals with
// bytes beyond ASCII can only occur in values that have such bytes, so
// they get an automaton of their own, wide, scanned only on those values:
// the ASCII automaton then needs half as many byte classes, and its dense
// rows are half as long.
type fieldIndex struct {
	ac   *ahocorasick.Automaton
	lits []int32     // automaton pattern -> literal id
	wide *fieldIndex // the literals with non-ASCII bytes, or nil
}

// keywordIndex returns the automaton over the keyword literals lits,
// shared between classes with the same set.
func (e *engine) keywordIndex(lits []int32, cache map[string]*fieldIndex) *fieldIndex {
	slices.Sort(lits)
	lits = slices.Compact(lits)
	var key strings.Builder
	for _, l := range lits {
		key.WriteString(strconv.Itoa(int(l)))
		key.WriteByte(',')
	}
	if fi, ok := cache[key.String()]; ok {
		return fi
	}
	fi := e.newFieldIndex(lits)
	cache[key.String()] = fi
	return fi
}

func (e *engine) newFieldIndex(lits []int32) *fieldIndex {
	var ascii, wide []int32
	for _, l := range lits {
		if isASCII(e.texts[l]) {
			ascii = append(ascii, l)
		} else {
			wide = append(wide, l)
		}
	}
	fi := e.automaton(ascii)
	if len(wide) > 0 {
		fi.wide = e.automaton(wide)
	}
	return fi
}

func (e *engine) automaton(lits []int32) *fieldIndex {
	pats := make([]string, len(lits))
	for i, l := range lits {
		pats[i] = e.texts[l]
	}
	return &fieldIndex{ac: ahocorasick.New(pats, ahocorasick.Options{DenseBytes: denseBytes}), lits: lits}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// denseBytes is each automaton's dense-row budget. With all SigmaHQ rules,
// 128 KiB matched in speed the 1 MiB default on whole-matcher benchmarks
// (rule evaluation between scans evicts the larger tables anyway) and
// holds 16 MiB of automata instead of 25.
const denseBytes = 128 << 10

// indexLiterals numbers the distinct required literals, records which
// rules need each, and builds the automata. A rule whose Required is nil
// or empty, or has an empty literal (present in any value), is evaluated
// without a mark: that is always correct, only slower.
func (e *engine) indexLiterals() {
	ids := map[sigma.Literal]int32{}
	var texts []string
	var fields []event.FieldID
	var pairs [][2]int32 // (literal, rule)
	for r, d := range e.dets {
		if d == nil {
			continue
		}
		req := d.Required()
		if !usable(req) {
			e.always[r] = true
			continue
		}
		for _, l := range req {
			l.Text = event.ToLowerASCII(l.Text)
			id, ok := ids[l]
			if !ok {
				id = int32(len(texts))
				ids[l] = id
				texts = append(texts, l.Text)
				fields = append(fields, l.Field)
			}
			pairs = append(pairs, [2]int32{id, int32(r)})
			if l.Field == 0 {
				e.ruleKw[r] = append(e.ruleKw[r], id)
			}
		}
	}
	e.texts = texts
	e.buildLiteralRules(len(texts), pairs)
	e.buildAutomata(fields)
}

func usable(req []sigma.Literal) bool {
	if len(req) == 0 {
		return false
	}
	for _, l := range req {
		if l.Text == "" {
			return false
		}
	}
	return true
}

// buildLiteralRules lays the (literal, rule) pairs out by literal, each
// rule once per literal.
func (e *engine) buildLiteralRules(nLits int, pairs [][2]int32) {
	e.litStart = make([]int32, nLits+1)
	for _, p := range pairs {
		e.litStart[p[0]+1]++
	}
	for l := 0; l < nLits; l++ {
		e.litStart[l+1] += e.litStart[l]
	}
	e.litRules = make([]int32, len(pairs))
	fill := make([]int32, nLits)
	copy(fill, e.litStart)
	for _, p := range pairs {
		l, r := p[0], p[1]
		if fill[l] > e.litStart[l] && e.litRules[fill[l]-1] == r {
			continue // the rule listed the literal twice
		}
		e.litRules[fill[l]] = r
		fill[l]++
	}
	// Close the gaps left by duplicates.
	out := int32(0)
	for l := 0; l < nLits; l++ {
		start := out
		for j := e.litStart[l]; j < fill[l]; j++ {
			e.litRules[out] = e.litRules[j]
			out++
		}
		e.litStart[l] = start
	}
	e.litStart[nLits] = out
	e.litRules = e.litRules[:out]
}

// buildAutomata builds one automaton per field over that field's literals.
func (e *engine) buildAutomata(fields []event.FieldID) {
	byField := map[event.FieldID][]int32{}
	maxField := event.FieldID(0)
	for l, f := range fields {
		byField[f] = append(byField[f], int32(l))
		maxField = max(maxField, f)
	}
	e.byField = make([]*fieldIndex, maxField+1)
	for f, lits := range byField {
		fi := e.newFieldIndex(lits)
		if f == 0 {
			e.keywords = fi
		} else {
			e.byField[f] = fi
		}
	}
}
