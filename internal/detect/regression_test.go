package detect

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/winjson/winjsontest"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// regressionCase is one folder of the SigmaHQ regression data with the
// events of its evtx_dump JSON file, as the product's JSON reader gives
// them (none for a folder without one).
type regressionCase struct {
	sharedtest.RegressionCase
	events []*event.Event
}

// loadRegression reads every regression folder and its events.
func loadRegression(tb testing.TB) []regressionCase {
	tb.Helper()
	var cases []regressionCase
	for _, c := range sharedtest.RegressionCases(tb) {
		rc := regressionCase{RegressionCase: c}
		if c.JSON != "" {
			rc.events = winjsontest.ReadFile(tb, c.JSON)
		}
		cases = append(cases, rc)
	}
	return cases
}
