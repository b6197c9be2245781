package files

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// differentTwin is the one regression event whose JSON twin was not
// rendered from the same record as its EVTX file: it has seven digits of
// TimeCreated and another spelling of ParentCommandLine.
const differentTwin = "ad691d92-15f2-4181-9aa4-723c74f9ddc3"

// TestEVTXAndJSONAgree reads each event of the Sigma regression data in
// both its forms, the EVTX file and its evtx_dump JSON twin, and checks
// that the EVTX reader and winjson give the same fields and metadata, so
// that a rule matches an event whichever form it arrives in.
func TestEVTXAndJSONAgree(t *testing.T) {
	root := sharedtest.Path(t, "sigma", "regression_data")
	pairs, events := 0, 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || filepath.Ext(path) != ".evtx" {
			return err
		}
		twin := strings.TrimSuffix(path, ".evtx") + ".json"
		if _, err := os.Stat(twin); err != nil {
			return nil // no twin
		}
		fromEVTX, st1 := readFile(t, path)
		fromJSON, st2 := readFile(t, twin)
		if len(fromEVTX) != len(fromJSON) || st1.Skipped+st2.Skipped != 0 {
			t.Errorf("%s: %d events from EVTX, %d from JSON (skipped %d, %d)", path, len(fromEVTX), len(fromJSON), st1.Skipped, st2.Skipped)
			return nil
		}
		pairs++
		for i := range fromEVTX {
			events++
			if strings.Contains(path, differentTwin) {
				continue
			}
			compareEvents(t, path, i, fromEVTX[i], fromJSON[i])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pairs < 150 || events < pairs {
		t.Fatalf("compared %d events in %d file pairs; the shared data looks incomplete", events, pairs)
	}
}

// compareEvents checks the fields as multisets, names folded, and the
// metadata; the JSON's SystemTime has microseconds, EVTX has 100ns ticks.
func compareEvents(t *testing.T, path string, i int, a, b *event.Event) {
	t.Helper()
	fa, fb := fieldList(a), fieldList(b)
	if !slices.Equal(fa, fb) {
		t.Errorf("%s event %d: fields differ\nEVTX: %q\nJSON: %q", path, i, fa, fb)
	}
	if a.Record != b.Record || a.Host != b.Host || a.Time.Sub(b.Time).Abs() >= time.Microsecond {
		t.Errorf("%s event %d: EVTX %d %q %v, JSON %d %q %v", path, i, a.Record, a.Host, a.Time, b.Record, b.Host, b.Time)
	}
}

func fieldList(ev *event.Event) []string {
	var out []string
	for i := range ev.Len() {
		id, v := ev.Field(i)
		out = append(out, strings.ToLower(id.String())+"="+v)
	}
	slices.Sort(out)
	return out
}
