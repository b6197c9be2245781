package sharedtest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRegressionCases checks the reader against the shared data: sorted,
// each case with ids, and every EVTX sample named after its rule with its
// JSON twin beside it.
func TestRegressionCases(t *testing.T) {
	cases := RegressionCases(t)
	if !slices.IsSortedFunc(cases, func(a, b RegressionCase) int { return strings.Compare(a.Dir, b.Dir) }) {
		t.Error("cases are not sorted by folder")
	}
	withEVTX, withCount := 0, 0
	for _, c := range cases {
		if _, err := os.Stat(filepath.Join(c.Dir, "info.yml")); err != nil {
			t.Errorf("%s: %v", c.Dir, err)
		}
		if len(c.RuleIDs) == 0 || c.MatchCount < 0 {
			t.Errorf("%s: ids %q, match count %d", c.Dir, c.RuleIDs, c.MatchCount)
		}
		if c.MatchCount > 0 {
			withCount++
		}
		if c.EVTX == "" {
			if c.JSON != "" {
				t.Errorf("%s: JSON %s without an EVTX sample", c.Dir, c.JSON)
			}
			continue
		}
		withEVTX++
		if want := filepath.Join(c.Dir, c.RuleIDs[0]+".evtx"); c.EVTX != want {
			t.Errorf("%s: EVTX %s, want %s", c.Dir, c.EVTX, want)
		}
		if want := strings.TrimSuffix(c.EVTX, ".evtx") + ".json"; c.JSON != want {
			t.Errorf("%s: JSON %q, want %s", c.Dir, c.JSON, want)
		}
	}
	// The shared copy has 164 folders: 163 with an EVTX test, most with a
	// match_count, and one Cisco case whose raw-text test is commented out.
	if withEVTX < 150 || withCount < 100 || len(cases)-withEVTX > 5 {
		t.Errorf("%d cases, %d with EVTX, %d with match_count", len(cases), withEVTX, withCount)
	}
	t.Logf("%d cases, %d with EVTX, %d with match_count", len(cases), withEVTX, withCount)
}
