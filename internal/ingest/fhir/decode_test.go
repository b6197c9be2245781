package fhir

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// sameParse fails t when the scanner path and encoding/json disagree on
// data: the same record, or the same error.
func sameParse(t *testing.T, data []byte) {
	t.Helper()
	// The scanner's record must not refer to its input: parse a copy and
	// overwrite it before comparing.
	in := bytes.Clone(data)
	got, gerr := ParseAuditEvent(in)
	for i := range in {
		in[i] = 'x'
	}
	want, werr := parseAuditEventJSON(data)
	if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
		t.Fatalf("errors differ on %q:\nscanner %v\njson    %v", data, gerr, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records differ on %q:\nscanner %+v\njson    %+v", data, got, want)
	}
}

// TestScannerDecidesExamples: the scanner reads every shared example and
// every AuditEvent of a generated trust itself (no fall back), with the
// record encoding/json gives.
func TestScannerDecidesExamples(t *testing.T) {
	inputs := append(sharedtest.ReadGlob(t, "health-examples", "fhir-auditevent", "*.json"), trustLines(t, 300)...)
	for i, in := range inputs {
		s := scanners.Get().(*scanner)
		if _, ok := s.decodeResource(bytes.TrimPrefix(in, utf8BOM)); !ok {
			t.Errorf("input %d: the scanner gave up", i)
		}
		s.reset()
		scanners.Put(s)
		sameParse(t, in)
	}
}

// TestRecordsOutliveInput: records stay as encoding/json gives them after
// the buffer they were parsed from is reused for the next input and the
// scanner's scratch for the next parse, as Reader reuses its line buffer.
func TestRecordsOutliveInput(t *testing.T) {
	inputs := append(sharedtest.ReadGlob(t, "health-examples", "fhir-auditevent", "*.json"), trustLines(t, 300)...)
	inputs = append(inputs, []byte(withExtra(`,"id":"esc\u00e9\n","entity":[{"what":{"identifier":{"system":"","value":"943^^^NHS&2.16.840.1.113883.2.1.4.1&ISO"}}}]`)))
	var buf []byte
	got := make([]*Access, len(inputs))
	for i, in := range inputs {
		buf = append(buf[:0], in...)
		a, err := ParseAuditEvent(buf)
		if err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		got[i] = a
		for j := range buf {
			buf[j] = 'x'
		}
	}
	for i, in := range inputs {
		want, err := parseAuditEventJSON(in)
		if err != nil {
			t.Fatalf("input %d through encoding/json: %v", i, err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("input %d changed after its buffer was reused:\ngot  %+v\nwant %+v", i, got[i], want)
		}
	}
}

// TestScannerEdges: inputs where the scanner must give up or decide
// exactly as encoding/json does.
func TestScannerEdges(t *testing.T) {
	base := `{"resourceType":"AuditEvent","recorded":"2026-05-05T09:00:00Z","agent":[{"who":{"identifier":{"value":"U1"}}}]`
	for _, tail := range []string{
		`}`, `} `, `}x`, `,}`, `,"id":"a\u0041\ud83d\ude00\ud800x\n"}`, `,"ID":"x"}`, `,"id":"a","id":"b"}`,
		`,"id":null}`, `,"id":1}`, `,"x":[1,-0.5e+3,true,false,null,{"a":[]}]}`, `,"x":01}`, `,"x":"\q"}`,
		`,"outcome":"8"}`, `,"outcome":{"code":{"code":"4"},"detail":[{"text":"bad"}]}}`, `,"outcome":8}`,
		`,"source":{"site":"S1","observer":{"display":"obs"}}}`, `,"source":{"site":{"reference":"Location/1"}}}`,
		`,"entity":[{"what":{"reference":"Patient/1"},"query":"eA=="}]}`, `,"entity":[]}`, `,"meta":{"security":[{"code":"R"}]}}`,
		"," + `"id":"` + "\xff" + `"}`, `,"id":"a` + "\t" + `"}`, `,"agent":[{"requestor":true,"network":{"address":"1.2.3.4"}}]}`,
		`,"k\u00e9":1}`, `,"Kid":1}`, `,"period":{"start":"2026-05-05T09:00:00Z"}}`,
	} {
		sameParse(t, []byte(base+tail))
	}
}

// FuzzScannerDifferential checks that the scanner path and encoding/json
// give the same record or the same error for every input.
func FuzzScannerDifferential(f *testing.F) {
	addSeeds(f)
	for _, l := range trustLines(f, 20) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, data []byte) { sameParse(t, data) })
}

// trustLines returns the first n AuditEvents of a small generated trust.
func trustLines(t testing.TB, n int) [][]byte {
	t.Helper()
	dir := t.TempDir()
	if _, err := care.Generate(care.Config{Seed: 7, Size: "test", Staff: 80, Patients: 1000, Days: 1, Start: care.DefaultStart}, dir, nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "access.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	return lines[:min(n, len(lines))]
}

// BenchmarkDecode compares encoding/json and the scanner side by side on
// the shared examples and on a generated trust's AuditEvents, reporting
// AuditEvents per CPU-second. Each operation is the whole decode: the JSON
// bytes to an Access (ParseAuditEvent) and on to an event.Event (ToEvent,
// into an event reset and reused as a source's caller does).
func BenchmarkDecode(b *testing.B) {
	sets := map[string][][]byte{
		"examples": sharedtest.ReadGlob(b, "health-examples", "fhir-auditevent", "*.json"),
		"trust":    trustLines(b, 2000),
	}
	parsers := []struct {
		name  string
		parse func([]byte) (*Access, error)
	}{{"json", parseAuditEventJSON}, {"scanner", ParseAuditEvent}}
	for _, set := range []string{"trust", "examples"} {
		for _, p := range parsers {
			b.Run(set+"/"+p.name, func(b *testing.B) {
				in := sets[set]
				b.ReportAllocs()
				var ev event.Event
				n, c0 := 0, sharedtest.ProcessCPU()
				for b.Loop() {
					a, err := p.parse(in[n%len(in)])
					if err != nil {
						b.Fatal(err)
					}
					ev.Reset()
					a.ToEvent(&ev)
					n++
				}
				if cpu := sharedtest.ProcessCPU() - c0; cpu > 0 {
					b.ReportMetric(float64(n)/cpu.Seconds(), "events/cpu-s")
				}
			})
		}
	}
}
