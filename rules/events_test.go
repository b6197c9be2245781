package rules_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// sysmon is the Sysmon channel; most categories of the pack come from it.
const sysmon = "Microsoft-Windows-Sysmon/Operational"

// source is one channel and the event IDs on it (nil: any ID) that a Sigma
// log source stands for.
type source struct {
	channel string
	ids     []string
}

// logSources says which Windows events each log source of the pack covers,
// following the Sigma taxonomy appendix. A rule whose log source is missing
// here fails the metadata test: add the mapping when adding such a rule.
var logSources = map[string][]source{
	"category/process_creation": {{sysmon, []string{"1"}}, {"Security", []string{"4688"}}},
	"category/registry_set":     {{sysmon, []string{"13"}}},
	"category/file_event":       {{sysmon, []string{"11"}}},
	"category/pipe_created":     {{sysmon, []string{"17", "18"}}},
	"category/ps_script": {
		{"Microsoft-Windows-PowerShell/Operational", []string{"4104"}},
		{"PowerShellCore/Operational", []string{"4104"}},
	},
	"service/security":  {{"Security", nil}},
	"service/system":    {{"System", nil}},
	"service/windefend": {{"Microsoft-Windows-Windows Defender/Operational", nil}},
}

// logSourceKey names a rule's log source in logSources.
func logSourceKey(ls sigma.LogSource) string {
	if ls.Category != "" {
		return "category/" + ls.Category
	}
	return "service/" + ls.Service
}

// fits reports whether ev comes from the rule's log source.
func fits(r *sigma.Rule, ev *event.Event) bool {
	if r.LogSource.Product != "windows" {
		return false
	}
	channel, _ := ev.Get(event.Channel)
	id, _ := ev.Get(event.EventID)
	for _, s := range logSources[logSourceKey(r.LogSource)] {
		if s.channel == channel && (s.ids == nil || slices.Contains(s.ids, id)) {
			return true
		}
	}
	return false
}

// readEvents reads a JSON Lines file of flat Windows events with the
// project's Windows JSON decoder, as Vigil reads them in production.
func readEvents(t *testing.T, path string) []*event.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("read events: %v", err)
	}
	defer f.Close()
	var evs []*event.Event
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		ev := new(event.Event)
		if err := winjson.Decode(sc.Bytes(), ev); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		// Name events by file and line in messages (winjson set Record from
		// EventRecordID, which the events keep as a field).
		ev.Source, ev.Record = path, uint64(line)
		evs = append(evs, ev)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(evs) == 0 {
		t.Fatalf("%s holds no events", path)
	}
	return evs
}

// expected is a correlation's expected.json: how many correlation results
// its sequence.jsonl must produce, why, and the group-by values of each
// result in the order they are emitted.
type expected struct {
	Results int                 `json:"results"`
	Explain string              `json:"explain"`
	Groups  []map[string]string `json:"groups"`
}

func readExpected(path string) (expected, error) {
	var e expected
	data, err := os.ReadFile(path)
	if err != nil {
		return e, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, fmt.Errorf("%s: %w", path, err)
	}
	if e.Results < 0 || e.Explain == "" || len(e.Groups) != e.Results {
		return e, fmt.Errorf("%s: results %d, explain %q, %d groups: want a count, a reason and a group per result",
			path, e.Results, e.Explain, len(e.Groups))
	}
	return e, nil
}
