package atna

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

type goldenView struct {
	Message *Message       `json:"message"`
	Access  *access.Access `json:"access"`
	Event   eventRender    `json:"event"`
}

type eventRender struct {
	Time      time.Time       `json:"time"`
	Host      string          `json:"host"`
	LogSource event.LogSource `json:"logsource"`
	Fields    map[string]any  `json:"fields"`
}

// example is one ATNA message from the shared examples: a plain XML file,
// a syslog line, or a message embedded in a test source of another project.
type example struct {
	name   string
	data   []byte
	syslog bool
}

func examples(t *testing.T) []example {
	t.Helper()
	dir := sharedtest.Path(t, "health-examples", "atna")
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) < 18 {
		t.Fatalf("want at least 18 shared ATNA XML examples, found %d (%v)", len(files), err)
	}
	var out []example
	for _, f := range files {
		out = append(out, example{name: strings.TrimSuffix(filepath.Base(f), ".xml"), data: readFile(t, f)})
	}
	out = append(out, example{name: "epr-integration-cara_iti-47-atna-raw.syslog", syslog: true,
		data: readFile(t, filepath.Join(dir, "epr-integration-cara_iti-47-atna-raw.syslog.txt"))})
	out = append(out, openhimExamples(t, readFile(t, filepath.Join(dir, "openhim-core_test-fixtures.js")))...)
	out = append(out, example{name: "atnaapi_rfc3881", data: csharpMessage(t, readFile(t, filepath.Join(dir, "atnaapi_AuditConversionTest.cs")))})
	return out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openhimExamples pulls the three syslog-framed messages out of the
// JavaScript template literals that hold them.
func openhimExamples(t *testing.T, js []byte) []example {
	t.Helper()
	query := regexp.MustCompile(`testAuditParticipantQuery = '([^']*)'`).FindSubmatch(js)
	lits := regexp.MustCompile("(?s)export const (testAudit\\w+) = `\\\\\n(.*?)\\\\?\n?`").FindAllSubmatch(js, -1)
	if query == nil || len(lits) != 3 {
		t.Fatalf("openhim fixtures: found query %v and %d messages, want 3", query != nil, len(lits))
	}
	var out []example
	for _, l := range lits {
		msg := bytes.ReplaceAll(l[2], []byte("${testAuditParticipantQuery}"), query[1])
		msg = bytes.TrimSuffix(msg, []byte("\\"))
		out = append(out, example{name: "openhim-core_" + string(l[1]), data: msg, syslog: true})
	}
	return out
}

// csharpMessage joins the C# string literals that make up RFC_3881_AUDIT.
func csharpMessage(t *testing.T, cs []byte) []byte {
	t.Helper()
	body := regexp.MustCompile(`(?s)RFC_3881_AUDIT= (.*?")\s*;\s*\n`).FindSubmatch(cs)
	if body == nil {
		t.Fatal("atnaapi: RFC_3881_AUDIT not found")
	}
	var b []byte
	for _, lit := range regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`).FindAllSubmatch(body[1], -1) {
		b = append(b, bytes.ReplaceAll(lit[1], []byte(`\"`), []byte(`"`))...)
	}
	return b
}

func TestGolden(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(ex.name, func(t *testing.T) {
			data := ex.data
			if ex.syslog {
				var err error
				if data, err = FromSyslog(data); err != nil {
					t.Fatalf("FromSyslog: %v", err)
				}
			}
			m, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var ev event.Event
			m.ToEvent(&ev)
			view := goldenView{Message: m, Access: m.Access(),
				Event: eventRender{Time: ev.Time, Host: ev.Host, LogSource: ev.LogSource, Fields: ev.Map()}}
			got, err := json.MarshalIndent(view, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", ex.name+".golden.json")
			sharedtest.Golden(t, path, got, *update)
		})
	}
}
