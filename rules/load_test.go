package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/sigma"
)

func TestLoad(t *testing.T) {
	set, err := Load(nil, sigma.Options{})
	if err != nil || len(set.Refused) != 0 || len(set.Rules) == 0 || len(set.Correlations) == 0 {
		t.Fatalf("own pack: err %v, %d rules, %d correlations, refused %v", err, len(set.Rules), len(set.Correlations), set.Refused)
	}
	if _, err := Load([]string{"no-such-folder"}, sigma.Options{}); err == nil || !strings.Contains(err.Error(), "no-such-folder") {
		t.Fatalf("missing path: err = %v, want one naming it", err)
	}
	// Two correlations that refer to each other: the loader accepts the
	// references, the correlation engine refuses the cycle.
	dir := t.TempDir()
	cycle := `title: A
name: corr_a
correlation:
    type: event_count
    rules: [corr_b]
    group-by: [Computer]
    timespan: 5m
    condition: {gte: 2}
---
title: B
name: corr_b
correlation:
    type: event_count
    rules: [corr_a]
    group-by: [Computer]
    timespan: 5m
    condition: {gte: 2}
`
	if err := os.WriteFile(filepath.Join(dir, "cycle.yml"), []byte(cycle), 0o600); err != nil {
		t.Fatal(err)
	}
	set, err = Load([]string{dir}, sigma.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Correlations) != 0 || len(set.Refused) == 0 {
		t.Fatalf("cycle: %d correlations kept, refused %v; want none kept and refusals", len(set.Correlations), set.Refused)
	}
	for _, r := range set.Refused {
		if !strings.HasSuffix(r.Path, "cycle.yml") {
			t.Errorf("refusal %v does not name the file", r)
		}
	}
	if _, err := correlate.New(set.Rules, set.Correlations); err != nil {
		t.Errorf("the pruned set still does not build: %v", err)
	}
}
