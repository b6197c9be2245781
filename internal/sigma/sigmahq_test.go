package sigma

import (
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// sigmaHQFolders are the SigmaHQ rule folders of the shared test data.
var sigmaHQFolders = []string{"rules", "rules-emerging-threats", "rules-threat-hunting"}

func loadSigmaHQ(tb testing.TB) *Set {
	return loadSigmaHQWith(tb, Options{})
}

func loadSigmaHQWith(tb testing.TB, opts Options) *Set {
	tb.Helper()
	var paths []string
	for _, f := range sigmaHQFolders {
		paths = append(paths, sharedtest.Path(tb, "sigma", f))
	}
	return Load(paths, opts)
}

// TestLoadSigmaHQ loads every SigmaHQ rule: at least 99.9% must load, and
// every refusal is logged so that each can be checked against the
// specification.
func TestLoadSigmaHQ(t *testing.T) {
	s := loadSigmaHQ(t)
	for _, r := range s.Refused {
		t.Log(r)
	}
	total := s.Documents
	loaded := len(s.Rules) + len(s.Correlations) + len(s.Filters)
	t.Logf("%d of %d documents loaded, %d refused", loaded, total, len(s.Refused))
	if total < 3700 {
		t.Fatalf("saw only %d documents; the shared rule folders look incomplete", total)
	}
	if loaded*1000 < total*999 {
		t.Fatalf("loaded %d of %d documents (%.2f%%), want at least 99.9%%", loaded, total, 100*float64(loaded)/float64(total))
	}
	// Each refusal was checked against the specification: the only ones
	// are rules using a placeholder (%known_cdcs%) with the expand
	// modifier, which a tool that has no values for it must reject
	// (rules specification, "Placeholders").
	for _, r := range s.Refused {
		if !strings.Contains(r.Error(), "placeholder %known_cdcs% is not defined") {
			t.Errorf("unexpected refusal: %v", r)
		}
	}
	all := loadSigmaHQWith(t, Options{Placeholders: map[string][]string{"known_cdcs": {"dc01.corp.example", "10.0.0.10"}}})
	if len(all.Refused) != 0 || len(all.Rules) != total {
		t.Errorf("with the placeholder defined: %d rules of %d documents, refused %v", len(all.Rules), total, all.Refused)
	}
}
