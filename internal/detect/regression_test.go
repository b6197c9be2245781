package detect

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
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
			rc.events = readJSONEvents(tb, c.JSON)
		}
		cases = append(cases, rc)
	}
	return cases
}

// readJSONEvents reads every event of a JSON file with winjson; a skipped
// object fails the test, as the regression files are clean.
func readJSONEvents(tb testing.TB, path string) []*event.Event {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := winjson.NewReader(f, path)
	var evs []*event.Event
	for {
		ev := new(event.Event)
		if err := r.Next(ev); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if st := r.Stats(); st.Skipped != 0 {
		tb.Fatalf("%s: %d objects skipped: %v", path, st.Skipped, st.Problems)
	}
	return evs
}
