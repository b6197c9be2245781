package rules_test

import (
	"maps"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// TestCorrelations replays each correlation's sequence.jsonl: every event is
// run through every detection rule of the pack whose log source it fits, the
// matches feed an engine holding only that correlation, and the results must
// be those expected.json gives.
func TestCorrelations(t *testing.T) {
	set := loadPack(t)
	for _, c := range set.Correlations {
		t.Run(stem(c.Path), func(t *testing.T) {
			dir := filepath.Join("testdata", stem(c.Path))
			want, err := readExpected(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			eng, err := correlate.New(set.Rules, []*sigma.Correlation{c})
			if err != nil {
				t.Fatalf("correlate.New: %v", err)
			}
			var got []correlate.Result
			for _, ev := range readEvents(t, filepath.Join(dir, "sequence.jsonl")) {
				got = append(got, observe(eng, set.Rules, ev)...)
			}
			got = append(got, eng.Flush()...)
			checkResults(t, c, got, want)
		})
	}
}

// observe feeds ev to eng once for each rule that matches it.
func observe(eng *correlate.Engine, rules []*sigma.Rule, ev *event.Event) []correlate.Result {
	var out []correlate.Result
	for _, r := range rules {
		if fits(r, ev) && r.Match(ev) {
			out = append(out, eng.Observe(r, ev)...)
		}
	}
	return out
}

func checkResults(t *testing.T, c *sigma.Correlation, got []correlate.Result, want expected) {
	t.Helper()
	if len(got) != want.Results {
		t.Errorf("%d results, want %d (%s)", len(got), want.Results, want.Explain)
	}
	for i, r := range got {
		if r.Correlation != c || r.Suppressed {
			t.Errorf("result %d: correlation %q, suppressed %v", i, r.Correlation.Title, r.Suppressed)
		}
		if i < len(want.Groups) && !maps.Equal(r.GroupBy, want.Groups[i]) {
			t.Errorf("result %d: group %v, want %v", i, r.GroupBy, want.Groups[i])
		}
	}
}

// TestBuildingBlocksAreSuppressed checks how the pack's correlations set
// generate: the informational building blocks are reported only through
// their correlations, while the precursors that the temporal correlation
// combines still raise their own alerts.
func TestBuildingBlocksAreSuppressed(t *testing.T) {
	set := loadPack(t)
	eng, err := correlate.New(set.Rules, set.Correlations)
	if err != nil {
		t.Fatalf("correlate.New: %v", err)
	}
	referenced := 0
	for _, r := range set.Rules {
		if eng.Referenced(r) {
			referenced++
		}
		if want := r.Level == "informational"; eng.Suppressed(r) != want {
			t.Errorf("%s (%s): suppressed %v, want %v", r.Name, r.Level, eng.Suppressed(r), want)
		}
	}
	if referenced < 10 {
		t.Errorf("only %d rules feed correlations, want at least 10", referenced)
	}
}
