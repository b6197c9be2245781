package fhir

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenView is what a golden file holds for one input: the normalised
// records and the events made from them.
type goldenView struct {
	Access []*Access     `json:"access"`
	Errors []string      `json:"errors,omitempty"`
	Events []eventRender `json:"events"`
}

type eventRender struct {
	Time      time.Time       `json:"time"`
	Host      string          `json:"host"`
	LogSource event.LogSource `json:"logsource"`
	Fields    map[string]any  `json:"fields"`
}

func render(as []*Access, errs []error) goldenView {
	v := goldenView{Access: as}
	for _, err := range errs {
		v.Errors = append(v.Errors, err.Error())
	}
	for _, a := range as {
		var ev event.Event
		a.ToEvent(&ev)
		v.Events = append(v.Events, eventRender{Time: ev.Time, Host: ev.Host, LogSource: ev.LogSource, Fields: ev.Map()})
	}
	return v
}

// goldenInputs lists the shared FHIR examples and this package's own
// fixtures (testdata/*.json: BALP and break-glass examples written out as
// JSON, and a Bundle).
func goldenInputs(t *testing.T) []string {
	t.Helper()
	shared, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "health-examples", "fhir-auditevent"), "*.json"))
	if err != nil || len(shared) < 9 {
		t.Fatalf("want at least 9 shared FHIR JSON examples, found %d (%v)", len(shared), err)
	}
	own, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(own) == 0 {
		t.Fatalf("no fixtures in testdata: %v", err)
	}
	return append(shared, own...)
}

func TestGolden(t *testing.T) {
	for _, in := range goldenInputs(t) {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			as, errs := ParseBundle(data)
			got, err := json.MarshalIndent(render(as, errs), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".golden.json")
			sharedtest.Golden(t, path, got, *update)
		})
	}
}
