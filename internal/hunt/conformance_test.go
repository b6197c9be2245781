package hunt

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// regressionCase is one folder of SigmaHQ's regression data: a rule id and
// the logs that must trigger it.
type regressionCase struct {
	dir        string
	ruleID     string
	matchCount int // 0: at least once
}

func loadRegressionCases(t *testing.T, root string) []regressionCase {
	t.Helper()
	var cases []regressionCase
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.Name() != "info.yml" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var info struct {
			RuleMetadata []struct {
				ID string `yaml:"id"`
			} `yaml:"rule_metadata"`
			Tests []struct {
				Type       string `yaml:"type"`
				MatchCount int    `yaml:"match_count"`
			} `yaml:"regression_tests_info"`
		}
		if err := yaml.Unmarshal(data, &info); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(info.Tests) == 0 || info.Tests[0].Type != "evtx" {
			return nil // no active EVTX test in this folder
		}
		cases = append(cases, regressionCase{dir: filepath.Dir(path), ruleID: info.RuleMetadata[0].ID, matchCount: info.Tests[0].MatchCount})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

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
	cases := loadRegressionCases(t, root)
	if len(cases) < 100 {
		t.Fatalf("found only %d regression cases under %s", len(cases), root)
	}
	_, eng := sigmaHQEngine(t)
	passed := 0
	for _, c := range cases {
		name, _ := filepath.Rel(root, c.dir)
		t.Run(name, func(t *testing.T) {
			evtxPath, jsonPath := c.dir+"/"+c.ruleID+".evtx", c.dir+"/"+c.ruleID+".json"
			fromEVTX := countRule(t, eng, evtxPath, c.ruleID)
			fromJSON := countRule(t, eng, jsonPath, c.ruleID)
			want := max(c.matchCount, 1)
			if fromEVTX < want {
				t.Errorf("rule %s matched %s %d times, want at least %d", c.ruleID, filepath.Base(evtxPath), fromEVTX, want)
			}
			if fromJSON != fromEVTX {
				t.Errorf("rule %s matched the EVTX %d times but its JSON rendering %d times", c.ruleID, fromEVTX, fromJSON)
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
