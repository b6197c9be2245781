package bench

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/detect"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/syslog"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// hole is a value that differs between copies of one template event.
type hole uint8

const (
	holeRecord hole = iota // EventRecordID: a number
	holeHost               // Computer: a string
	holeTime               // TimeCreated or SystemTime: an RFC 3339 string
)

// heldKeys names the JSON keys whose values each copy replaces, in both the
// evtx_dump layout (Event.System.*) and the flat one.
var heldKeys = map[string]hole{"EventRecordID": holeRecord, "Computer": holeHost, "TimeCreated": holeTime, "SystemTime": holeTime}

// template is one real event as a compact JSON line, cut at its holes:
// parts[i] comes before holes[i], and the last part after the last hole.
type template struct {
	parts [][]byte
	holes []hole
}

var holeMark = regexp.MustCompile(`"@@hole([0-9])@@"`)

// newTemplate compacts a decoded event and cuts it at the held keys.
func newTemplate(v map[string]any) (template, error) {
	markHoles(v)
	line, err := json.Marshal(v)
	if err != nil {
		return template{}, err
	}
	var t template
	last := 0
	for _, m := range holeMark.FindAllSubmatchIndex(line, -1) {
		t.parts = append(t.parts, line[last:m[0]])
		t.holes = append(t.holes, hole(line[m[2]]-'0'))
		last = m[1]
	}
	t.parts = append(t.parts, line[last:])
	return t, nil
}

// markHoles replaces the scalar values of the held keys, at any depth, by
// a marker that newTemplate finds in the encoded line.
func markHoles(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			h, held := heldKeys[k]
			switch val.(type) {
			case string, json.Number:
				if held {
					v[k] = fmt.Sprintf("@@hole%d@@", h)
				}
			default:
				markHoles(val)
			}
		}
	case []any:
		for _, e := range v {
			markHoles(e)
		}
	}
}

// appendEvent appends one copy of t with the given record, host and time.
func (t *template) appendEvent(b []byte, rec uint64, host string, at time.Time) []byte {
	for i, h := range t.holes {
		b = append(b, t.parts[i]...)
		switch h {
		case holeRecord:
			b = strconv.AppendUint(b, rec, 10)
		case holeHost:
			b = strconv.AppendQuote(b, host)
		case holeTime:
			b = append(b, '"')
			b = at.AppendFormat(b, time.RFC3339Nano)
			b = append(b, '"')
		}
	}
	return append(b, t.parts[len(t.parts)-1]...)
}

// eventMix is where the NDJSON events come from: one event in every
// matchEvery matches at least one rule, the others none. Both kinds are
// real events: SigmaHQ's regression samples (evtx_dump JSON of attacks)
// and the sample trust's Windows logs in samples/, sorted by what the
// service's own matcher, over the same rules, finds in them.
type eventMix struct {
	quiet, matching []template
	matchEvery      uint64 // 0: only quiet events
}

// pick returns the template of record rec.
func (m *eventMix) pick(rec uint64) *template {
	if m.matchEvery > 0 && rec%m.matchEvery == 0 {
		return &m.matching[(rec/m.matchEvery)%uint64(len(m.matching))]
	}
	return &m.quiet[rec%uint64(len(m.quiet))]
}

// loadMix reads the templates and sorts them with a matcher over rules.
func loadMix(tb testing.TB, ruleDirs []string, matchEvery int) *eventMix {
	tb.Helper()
	var all []template
	for _, c := range sharedtest.RegressionCases(tb) {
		if c.JSON != "" {
			all = append(all, readTemplates(tb, c.JSON)...)
		}
	}
	files, err := filepath.Glob(filepath.Join("..", "samples", "*.jsonl*"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no samples/*.jsonl in the repository: %v", err)
	}
	for _, f := range files {
		all = append(all, readTemplates(tb, f)...)
	}
	set := sigma.Load(ruleDirs, sigma.Options{})
	m := detect.NewMatcher(set.Rules)
	scratch := m.NewScratch()
	mix := &eventMix{matchEvery: uint64(matchEvery)}
	var ev event.Event
	for i := range all {
		line := all[i].appendEvent(nil, 1, "WS-000.bench.nhs.example", time.Now())
		if err := winjson.Decode(line, &ev); err != nil {
			tb.Fatalf("template %d does not decode: %v\n%s", i, err, line)
		}
		if len(m.Match(&ev, scratch, nil)) > 0 {
			mix.matching = append(mix.matching, all[i])
		} else {
			mix.quiet = append(mix.quiet, all[i])
		}
	}
	if len(mix.quiet) == 0 || len(mix.matching) == 0 {
		tb.Fatalf("%d quiet and %d matching events: need both", len(mix.quiet), len(mix.matching))
	}
	return mix
}

// readTemplates reads every JSON event of a file: objects one after
// another (pretty-printed or one per line, gzip or not) or arrays of them.
func readTemplates(tb testing.TB, path string) []template {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []template
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			tb.Fatalf("%s at byte %d: %v", path, dec.InputOffset(), err)
		}
		objs, ok := v.([]any)
		if !ok {
			objs = []any{v}
		}
		for _, o := range objs {
			m, ok := o.(map[string]any)
			if !ok {
				continue
			}
			t, err := newTemplate(m)
			if err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			out = append(out, t)
		}
	}
}

// benchHosts is how many workstation names the events rotate through, so
// that one rule on many hosts makes many alerts, as in an estate.
const benchHosts = 64

var benchHostNames = func() (out [benchHosts]string) {
	for i := range out {
		out[i] = fmt.Sprintf("WS-%03d.bench.nhs.example", i)
	}
	return out
}()

// ndjsonBatch appends the NDJSON lines of records first..first+n-1 to b.
// The template, host and time follow from the record number, so the same
// records give the same bytes (apart from the time) in any run.
func ndjsonBatch(b []byte, mix *eventMix, first uint64, n int, now time.Time) []byte {
	for rec := first; rec < first+uint64(n); rec++ {
		b = mix.pick(rec).appendEvent(b, rec, benchHostNames[rec%benchHosts], now.Add(-time.Duration(rec%1000)*time.Millisecond))
		b = append(b, '\n')
	}
	return b
}

// syslogFrames reads the syslog examples (rsyslog's parser test inputs,
// RFC 3164 and 5424; CEF and LEEF lines, given an RFC 3164 header where
// they have none) and returns each as an octet-counted frame (RFC 6587).
// Only messages that the service turns into an event are kept, so that the
// number of events sent is the number to expect.
func syslogFrames(tb testing.TB) [][]byte {
	tb.Helper()
	var msgs []string
	for _, f := range sharedtest.ReadGlob(tb, "health-examples", "syslog", "*.parse1") {
		msgs = append(msgs, parse1Inputs(f)...)
	}
	for _, f := range sharedtest.ReadGlob(tb, "health-examples", "syslog", "*.log") {
		for _, l := range strings.Split(string(f), "\n") {
			if l = strings.TrimRight(l, "\r"); l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			if !strings.HasPrefix(l, "<") {
				l = "<134>Nov 28 12:00:00 fw-01.bench.nhs.example " + l
			}
			msgs = append(msgs, l)
		}
	}
	var frames [][]byte
	var ev event.Event
	for _, m := range msgs {
		ev.Reset()
		if err := syslog.Parse([]byte(m), &ev, time.Now()); errors.Is(err, syslog.ErrBinary) || !strings.HasPrefix(m, "<") {
			continue // quarantined, or not octet-countable (the framer wants "<" after the count)
		}
		frames = append(frames, fmt.Appendf(nil, "%d %s", len(m), m))
	}
	if len(frames) < 50 {
		tb.Fatalf("only %d usable syslog examples in the shared health-examples/syslog", len(frames))
	}
	return frames
}

// parse1Inputs returns the input lines of an rsyslog .parse1 file: lines
// come in pairs (input, expected parse) between "#" comments; "\011"
// spells a tab.
func parse1Inputs(data []byte) []string {
	var out []string
	input := true
	for _, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if input {
			out = append(out, strings.TrimSuffix(strings.ReplaceAll(l, `\011`, "\t"), `\`))
		}
		input = !input
	}
	return out
}

// syslogBatch appends frames first..first+n-1 of the rotation to b.
func syslogBatch(b []byte, frames [][]byte, first uint64, n int) []byte {
	for i := first; i < first+uint64(n); i++ {
		b = append(b, frames[i%uint64(len(frames))]...)
	}
	return b
}

// markerHost names the host of latency marker i: each marker is alone on
// its host, so that its detection is a new alert and is notified.
func markerHost(i int) string { return fmt.Sprintf("MARKER-%06d.bench.nhs.example", i) }

// markerEvent is a Sysmon process creation of Mimikatz on its own host: it
// matches SigmaHQ's high-level "HackTool - Mimikatz Execution" and others.
func markerEvent(i int, rec uint64, at time.Time) []byte {
	return fmt.Appendf(nil, `{"Channel":"Microsoft-Windows-Sysmon/Operational","Provider_Name":"Microsoft-Windows-Sysmon","EventID":1,"Computer":%q,"EventRecordID":%d,"TimeCreated":%q,"Image":"C:\\Users\\Public\\mimikatz.exe","OriginalFileName":"mimikatz.exe","CommandLine":"mimikatz.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" exit","ParentImage":"C:\\Windows\\System32\\cmd.exe","User":"TRUST\\bench"}`+"\n",
		markerHost(i), rec, at.Format(time.RFC3339Nano))
}

// markerIndex returns the marker number of a host, or -1.
func markerIndex(host string) int {
	s, ok := strings.CutPrefix(host, "MARKER-")
	if !ok || len(s) < 6 {
		return -1
	}
	n, err := strconv.Atoi(s[:6])
	if err != nil {
		return -1
	}
	return n
}
