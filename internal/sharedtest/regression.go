package sharedtest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// RegressionCase is one folder of SigmaHQ's regression data: the rules it
// tests, how often they must match, and the sample log in its two forms.
type RegressionCase struct {
	Dir        string   // the folder holding info.yml
	RuleIDs    []string // rule_metadata ids, in the order listed
	MatchCount int      // match_count of the test; 0 means at least once
	EVTX, JSON string   // the test's .evtx file and its evtx_dump JSON twin; "" if absent
}

// minRegressionCases guards against a partial copy of the shared data
// passing every test by testing little.
const minRegressionCases = 100

// RegressionCases reads the info.yml of every folder of the regression
// data, sorted by folder. It fails the test when an info.yml cannot be
// read, names no rule or names a sample that is missing, and when fewer
// than 100 cases are found.
func RegressionCases(tb testing.TB) []RegressionCase {
	tb.Helper()
	root := Path(tb, "sigma", "regression_data")
	var cases []RegressionCase
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "info.yml" {
			return err
		}
		cases = append(cases, readRegressionCase(tb, path))
		return nil
	})
	if err != nil {
		tb.Fatalf("regression data: %v", err)
	}
	if len(cases) < minRegressionCases {
		tb.Fatalf("regression data: only %d cases under %s, want at least %d", len(cases), root, minRegressionCases)
	}
	slices.SortFunc(cases, func(a, b RegressionCase) int { return strings.Compare(a.Dir, b.Dir) })
	return cases
}

// regressionInfo is the part of an info.yml the tests use.
type regressionInfo struct {
	RuleMetadata []struct {
		ID string `yaml:"id"`
	} `yaml:"rule_metadata"`
	Tests []struct {
		Type       string `yaml:"type"`
		MatchCount int    `yaml:"match_count"`
		Path       string `yaml:"path"`
	} `yaml:"regression_tests_info"`
}

// readRegressionCase reads one info.yml. Only the first test counts: each
// folder has at most one. Its path is relative to the SigmaHQ checkout, so
// only the file name is used; a folder whose tests are all commented out
// (a non-Windows sample kept as raw text) has no EVTX or JSON.
func readRegressionCase(tb testing.TB, infoPath string) RegressionCase {
	tb.Helper()
	data, err := os.ReadFile(infoPath)
	if err != nil {
		tb.Fatalf("regression data: %v", err)
	}
	var info regressionInfo
	if err := yaml.Unmarshal(data, &info); err != nil {
		tb.Fatalf("regression data: %s: %v", infoPath, err)
	}
	c := RegressionCase{Dir: filepath.Dir(infoPath)}
	for _, m := range info.RuleMetadata {
		c.RuleIDs = append(c.RuleIDs, m.ID)
	}
	if len(c.RuleIDs) == 0 {
		tb.Fatalf("regression data: %s: no rule_metadata ids", infoPath)
	}
	if len(info.Tests) == 0 || info.Tests[0].Type != "evtx" {
		return c
	}
	c.MatchCount = info.Tests[0].MatchCount
	c.EVTX = filepath.Join(c.Dir, filepath.Base(info.Tests[0].Path))
	if _, err := os.Stat(c.EVTX); err != nil {
		tb.Fatalf("regression data: %s names a missing sample: %v", infoPath, err)
	}
	if twin := strings.TrimSuffix(c.EVTX, ".evtx") + ".json"; fileExists(twin) {
		c.JSON = twin
	}
	return c
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
