package hunt

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sigma"
)

var sigmaHQ struct {
	once sync.Once
	set  *sigma.Set
	eng  *Engine
	err  error
}

// sigmaHQEngine compiles all of SigmaHQ's rules once for the package's tests.
func sigmaHQEngine(t *testing.T) (*sigma.Set, *Engine) {
	t.Helper()
	shared := sharedtest.Dir(t)
	sigmaHQ.once.Do(func() {
		var paths []string
		for _, d := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting"} {
			paths = append(paths, filepath.Join(shared, "sigma", d))
		}
		sigmaHQ.set = sigma.Load(paths, sigma.Options{})
		sigmaHQ.eng, sigmaHQ.err = NewEngine(sigmaHQ.set)
	})
	if sigmaHQ.err != nil {
		t.Fatal(sigmaHQ.err)
	}
	return sigmaHQ.set, sigmaHQ.eng
}

// TestSigmaHQRegression runs every SigmaHQ rule over SigmaHQ's regression
// logs: for each folder, the rule it names must match its EVTX file (at
// least match_count times), and the evtx_dump JSON rendering beside it must
// give the same count.
func TestSigmaHQRegression(t *testing.T) {
	root := sharedtest.Path(t, "sigma", "regression_data")
	var cases []sharedtest.RegressionCase
	for _, c := range sharedtest.RegressionCases(t) {
		if c.EVTX != "" && c.JSON != "" { // not the raw-text Cisco case
			cases = append(cases, c)
		}
	}
	if len(cases) < 100 {
		t.Fatalf("found only %d regression cases with EVTX and JSON samples", len(cases))
	}
	_, eng := sigmaHQEngine(t)
	passed := 0
	for _, c := range cases {
		name, _ := filepath.Rel(root, c.Dir)
		ruleID := c.RuleIDs[0]
		t.Run(name, func(t *testing.T) {
			fromEVTX := countRule(t, eng, c.EVTX, ruleID)
			fromJSON := countRule(t, eng, c.JSON, ruleID)
			want := max(c.MatchCount, 1)
			if fromEVTX < want {
				t.Errorf("rule %s matched %s %d times, want at least %d", ruleID, filepath.Base(c.EVTX), fromEVTX, want)
			}
			if fromJSON != fromEVTX {
				t.Errorf("rule %s matched the EVTX %d times but its JSON rendering %d times", ruleID, fromEVTX, fromJSON)
			}
			if !t.Failed() {
				passed++
			}
		})
	}
	t.Logf("%d of %d regression cases pass", passed, len(cases))
}

func countRule(t *testing.T, eng *Engine, path, ruleID string) int {
	t.Helper()
	n := 0
	sum, err := Run(context.Background(), []string{path}, eng, Options{}, func(d *Detection) error {
		if strings.EqualFold(d.RuleID, ruleID) {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatalf("hunt %s: %v", path, err)
	}
	if len(sum.Skipped) > 0 {
		t.Errorf("hunt %s skipped input: %+v", path, sum.Skipped)
	}
	return n
}
