package winjson

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// stripSnapHeader drops the "---" delimited header that snapshot files
// carry before their content.
func stripSnapHeader(data []byte) []byte {
	if !bytes.HasPrefix(data, []byte("---\n")) {
		return data
	}
	if i := bytes.Index(data[4:], []byte("\n---\n")); i >= 0 {
		return data[4+i+5:]
	}
	return data
}

// readAll reads every event of a stream and renders them with the stats.
func readAll(t *testing.T, r io.Reader, name string) string {
	t.Helper()
	var out strings.Builder
	rd := NewReader(r, name)
	var ev event.Event
	for {
		err := rd.Next(&ev)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		fmt.Fprintf(&out, "# event\n%s", render(&ev))
	}
	st := rd.Stats()
	fmt.Fprintf(&out, "# records %d, skipped %d\n", st.Records, st.Skipped)
	for _, p := range st.Problems {
		fmt.Fprintf(&out, "# problem: %v\n", p)
	}
	return out.String()
}

// TestGoldenSamples reads each example under health-examples/winjson and
// compares the events with testdata/golden (go test -update rewrites them).
// Snapshot files are decoded after their header; one of them holds XML,
// whose error is part of its golden file.
func TestGoldenSamples(t *testing.T) {
	dir := sharedtest.Path(t, "health-examples", "winjson")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if strings.HasSuffix(name, ".snap") {
				var ev event.Event
				if err := Decode(stripSnapHeader(data), &ev); err != nil {
					got = fmt.Sprintf("# error: %v\n", err)
				} else {
					got = render(&ev)
				}
			} else {
				got = readAll(t, bytes.NewReader(data), name)
			}
			sharedtest.Golden(t, filepath.Join("testdata", "golden", name+".golden"), []byte(got), *update)
		})
	}
}

// TestRegressionData reads every JSON event of the Sigma regression data
// and checks it against encoding/json's reading of the same file: each
// System value and each EventData member must be there with the text the
// JSON holds.
func TestRegressionData(t *testing.T) {
	n := 0
	for _, c := range sharedtest.RegressionCases(t) {
		if c.JSON != "" {
			n++
			checkRegressionFile(t, c.JSON)
		}
	}
	if n < 100 {
		t.Fatalf("read only %d regression files; the shared data looks incomplete", n)
	}
}

func checkRegressionFile(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rd := NewReader(bytes.NewReader(data), path)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var ev event.Event
	for {
		var ref struct {
			Event struct {
				System    map[string]any
				EventData map[string]any
			}
		}
		refErr := dec.Decode(&ref)
		err := rd.Next(&ev)
		if refErr == io.EOF || err == io.EOF {
			if refErr != err {
				t.Errorf("%s: Next = %v where encoding/json has %v", path, err, refErr)
			}
			break
		}
		if refErr != nil || err != nil {
			t.Fatalf("%s: Next = %v, encoding/json: %v", path, err, refErr)
		}
		for _, k := range []string{"Channel", "Computer", "EventRecordID", "Level", "Task"} {
			if v, ok := ref.Event.System[k]; ok {
				expectValue(t, path, &ev, k, v)
			}
		}
		for k, v := range ref.Event.EventData {
			if !strings.HasPrefix(k, "#") && k != "Data" {
				expectValue(t, path, &ev, k, v)
			}
		}
		if _, ok := ev.Get(event.EventID); !ok || ev.Time.IsZero() || ev.Host == "" || ev.Record == 0 {
			t.Errorf("%s: EventID present %v, Time %v, Host %q, Record %d", path, ok, ev.Time, ev.Host, ev.Record)
		}
	}
	if st := rd.Stats(); st.Skipped != 0 {
		t.Errorf("%s: skipped %d: %v", path, st.Skipped, st.Problems)
	}
}

func expectValue(t *testing.T, path string, ev *event.Event, name string, v any) {
	t.Helper()
	var want string
	switch v := v.(type) {
	case string:
		want = v
	case json.Number:
		want = v.String()
	case nil:
		want = ""
	default:
		return // elements with attributes are covered by the table tests
	}
	if got := values(ev, name); !slices.Contains(got, want) {
		t.Errorf("%s: %s = %q, want it to hold %q", path, name, got, want)
	}
}
