package sigma

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMultiMatchAgainstOneByOne compares matching many patterns together
// with matching them one by one, on random patterns and values.
func TestMultiMatchAgainstOneByOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte("abc"[rng.IntN(3)])
		}
		return b.String()
	}
	for range 300 {
		var preds []strPred
		for range manyPatterns + rng.IntN(20) {
			kinds := []predKind{pEq, pContains, pPrefix, pSuffix}
			preds = append(preds, strPred{kind: kinds[rng.IntN(len(kinds))], s: word(1 + rng.IntN(4))})
		}
		m := newMultiMatch(preds)
		for range 50 {
			v := word(rng.IntN(10))
			want := false
			for k := range preds {
				want = want || preds[k].match(v)
			}
			if got := m.match(v); got != want {
				t.Fatalf("value %q against %v: together %v, one by one %v", v, preds, got, want)
			}
		}
	}
}

func TestACSet(t *testing.T) {
	a := newACSet([]string{"he", "she", "his", "hers", "usher"})
	for v, want := range map[string]bool{"ushers": true, "xhex": true, "hi": false, "sh": false, "ahisb": true, "": false, "rsher": true} {
		if got := a.contains(v); got != want {
			t.Errorf("contains(%q) = %v, want %v", v, got, want)
		}
	}
}
