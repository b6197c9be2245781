package detect

import (
	"slices"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// sigmaHQ loads all SigmaHQ rules once per test binary.
var sigmaHQ = sync.OnceValues(func() (*sigma.Set, error) {
	paths, err := sharedSigmaHQPaths()
	if err != nil {
		return nil, err
	}
	return sigma.Load(paths, sigma.Options{}), nil
})

func loadSigmaHQ(tb testing.TB) []*sigma.Rule {
	tb.Helper()
	sigmaHQPaths(tb) // fails loudly when the shared data is missing
	set, err := sigmaHQ()
	if err != nil {
		tb.Fatalf("load SigmaHQ rules: %v", err)
	}
	if len(set.Rules) < 2000 {
		tb.Fatalf("only %d SigmaHQ rules loaded (%d refused)", len(set.Rules), len(set.Refused))
	}
	return set.Rules
}

// bruteForceRules is the reference: the log-source check and rule.Match
// for every rule (nil entries skipped).
func bruteForceRules(rules []*sigma.Rule, ev *event.Event) []*sigma.Rule {
	AddAliases(ev)
	src := Classify(ev)
	var out []*sigma.Rule
	for _, r := range rules {
		if r != nil && src.Matches(r.LogSource) && r.Match(ev) {
			out = append(out, r)
		}
	}
	return out
}

// TestSigmaHQEquivalence runs all SigmaHQ rules over every regression
// event: the Matcher must return exactly what brute force returns, and
// each regression folder's rules must be among its events' matches.
func TestSigmaHQEquivalence(t *testing.T) {
	rules := loadSigmaHQ(t)
	m := NewMatcher(rules)
	t.Logf("%d rules; %+v", len(rules), m.Stats())
	s := m.NewScratch()
	events, matched := 0, 0
	withEvents := 0
	for _, c := range loadRegression(t) {
		if len(c.events) == 0 {
			continue // a non-Windows case kept as raw text, not evtx JSON
		}
		withEvents++
		found := map[string]bool{}
		for _, ev := range c.events {
			events++
			got := m.Match(ev.Clone(), s, nil)
			want := bruteForceRules(rules, ev.Clone())
			if !slices.Equal(got, want) {
				t.Errorf("%s: event %d: Matcher %v, brute force %v", c.Dir, ev.Record, ruleIDs(got), ruleIDs(want))
			}
			matched += len(got)
			for _, r := range got {
				found[r.ID] = true
			}
		}
		for _, id := range c.RuleIDs {
			if !found[id] {
				t.Errorf("%s: rule %s is not among the matches %v", c.Dir, id, keysOf(found))
			}
		}
	}
	if withEvents < 150 {
		t.Fatalf("only %d regression cases have events", withEvents)
	}
	t.Logf("%d cases, %d events, %d matches", withEvents, events, matched)
}

func ruleIDs(rules []*sigma.Rule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID + " " + r.Title
	}
	return ids
}

func keysOf(m map[string]bool) []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
}
