package sigma

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// sigmaHQFolders are the SigmaHQ rule folders of the shared test data.
var sigmaHQFolders = []string{"rules", "rules-emerging-threats", "rules-threat-hunting"}

func loadSigmaHQ(tb testing.TB) *Set {
	tb.Helper()
	var paths []string
	for _, f := range sigmaHQFolders {
		paths = append(paths, sharedtest.Path(tb, "sigma", f))
	}
	return Load(paths, Options{})
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
}
