package detect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// regressionCase is one folder of the SigmaHQ regression data: the ids of
// the rules it tests and the events that must trigger them.
type regressionCase struct {
	dir     string
	ruleIDs []string
	events  []*event.Event
}

// loadRegression reads every regression folder (info.yml and the evtx_dump
// JSON files beside it).
func loadRegression(tb testing.TB) []regressionCase {
	tb.Helper()
	root := sharedtest.Path(tb, "sigma", "regression_data")
	var cases []regressionCase
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "info.yml" {
			return err
		}
		c, err := loadCase(filepath.Dir(path))
		if err != nil {
			return err
		}
		cases = append(cases, c)
		return nil
	})
	if err != nil {
		tb.Fatalf("regression data: %v", err)
	}
	if len(cases) < 100 {
		tb.Fatalf("regression data: only %d cases under %s", len(cases), root)
	}
	return cases
}

func loadCase(dir string) (regressionCase, error) {
	c := regressionCase{dir: dir}
	info, err := os.ReadFile(filepath.Join(dir, "info.yml"))
	if err != nil {
		return c, err
	}
	c.ruleIDs = infoRuleIDs(string(info))
	if len(c.ruleIDs) == 0 {
		return c, fmt.Errorf("%s/info.yml: no rule_metadata ids", dir)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return c, err
	}
	for _, f := range files {
		evs, err := readEvtxJSON(f)
		if err != nil {
			return c, err
		}
		c.events = append(c.events, evs...)
	}
	return c, nil
}

// infoRuleIDs returns the ids listed under rule_metadata in an info.yml.
func infoRuleIDs(info string) []string {
	var ids []string
	in := false
	for line := range strings.Lines(info) {
		line = strings.TrimRight(line, "\r\n")
		if line != "" && line[0] != ' ' && line[0] != '-' {
			in = strings.HasPrefix(line, "rule_metadata:")
			continue
		}
		if id, ok := strings.CutPrefix(strings.TrimSpace(line), "- id:"); in && ok {
			ids = append(ids, strings.Trim(strings.TrimSpace(id), `'"`))
		}
	}
	return ids
}

// readEvtxJSON reads the events of an evtx_dump JSON file (one or more
// concatenated objects).
func readEvtxJSON(path string) ([]*event.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var evs []*event.Event
	for {
		var doc struct {
			Event map[string]any
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return evs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: event %d: %w", path, len(evs)+1, err)
		}
		ev := flattenEvtx(doc.Event)
		ev.Source = path
		evs = append(evs, ev)
	}
}

// flattenEvtx maps an evtx_dump event onto the field-naming contract:
// System children by name (attributes of Provider, TimeCreated,
// Correlation, Execution and Security under their contract names),
// EventData by Name with unnamed Data repeated, UserData by leaf element.
func flattenEvtx(doc map[string]any) *event.Event {
	ev := &event.Event{}
	system, _ := doc["System"].(map[string]any)
	for _, k := range slices.Sorted(keys(system)) {
		v := system[k]
		attrs := attributes(v)
		switch k {
		case "Provider":
			addAttr(ev, attrs, "Name", "Provider_Name")
			addAttr(ev, attrs, "Guid", "Provider_Guid")
			addAttr(ev, attrs, "EventSourceName", "EventSourceName")
		case "TimeCreated":
			addAttr(ev, attrs, "SystemTime", "TimeCreated")
		case "Correlation":
			addAttr(ev, attrs, "ActivityID", "ActivityID")
			addAttr(ev, attrs, "RelatedActivityID", "RelatedActivityID")
		case "Execution":
			addAttr(ev, attrs, "ProcessID", "ProcessID")
			addAttr(ev, attrs, "ThreadID", "ThreadID")
		case "Security":
			addAttr(ev, attrs, "UserID", "UserID")
		default:
			if m, ok := v.(map[string]any); ok { // EventID with Qualifiers
				v = m["#text"]
			}
			addValues(ev, k, v)
		}
	}
	if data, ok := doc["EventData"].(map[string]any); ok {
		for _, k := range slices.Sorted(keys(data)) {
			if k != "#attributes" {
				addValues(ev, k, data[k])
			}
		}
	} else if s, ok := doc["EventData"].(string); ok {
		ev.Set("Data", s)
	}
	addLeaves(ev, doc["UserData"])
	ev.Host, _ = ev.Get(event.Computer)
	return ev
}

func keys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func attributes(v any) map[string]any {
	m, _ := v.(map[string]any)
	a, _ := m["#attributes"].(map[string]any)
	return a
}

func addAttr(ev *event.Event, attrs map[string]any, attr, field string) {
	if v, ok := attrs[attr]; ok && v != nil {
		ev.Set(field, scalar(v))
	}
}

// addValues adds v under name: scalars as text (null as empty), arrays as
// repeated values, {"#text": ...} objects by their text.
func addValues(ev *event.Event, name string, v any) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			addValues(ev, name, e)
		}
	case map[string]any:
		if t, ok := x["#text"]; ok {
			addValues(ev, name, t)
		}
	default:
		ev.Set(name, scalar(v))
	}
}

// addLeaves adds every leaf element of a UserData tree under its own name.
func addLeaves(ev *event.Event, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, k := range slices.Sorted(keys(m)) {
		if k == "#attributes" {
			continue
		}
		switch c := m[k].(type) {
		case map[string]any:
			if t, ok := c["#text"]; ok {
				addValues(ev, k, t)
			} else {
				addLeaves(ev, c)
			}
		default:
			addValues(ev, k, c)
		}
	}
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return fmt.Sprint(v)
}

func TestFlattenEvtx(t *testing.T) {
	doc := `{"Event": {"System": {
		"Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing", "Guid": "{54849625}"}},
		"EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 7045},
		"TimeCreated": {"#attributes": {"SystemTime": "2024-01-02T03:04:05Z"}},
		"EventRecordID": 42, "Correlation": null, "Channel": "System", "Computer": "pc1",
		"Execution": {"#attributes": {"ProcessID": 4, "ThreadID": 8}},
		"Security": {"#attributes": {"UserID": "S-1-5-18"}}},
	  "EventData": {"ServiceName": "evil", "ImagePath": null, "Data": {"#text": ["a", "b"]}},
	  "UserData": {"Op": {"#attributes": {"xmlns": "x"}, "User": "u", "Inner": {"Leaf": 3}}}}}`
	path := filepath.Join(t.TempDir(), "e.json")
	if err := os.WriteFile(path, []byte(doc+doc), 0o600); err != nil {
		t.Fatal(err)
	}
	evs, err := readEvtxJSON(path)
	if err != nil || len(evs) != 2 {
		t.Fatalf("readEvtxJSON = %d events, %v", len(evs), err)
	}
	got := evs[0].Map()
	want := map[string]any{
		"Provider_Name": "Microsoft-Windows-Security-Auditing", "Provider_Guid": "{54849625}",
		"EventID": "7045", "TimeCreated": "2024-01-02T03:04:05Z", "EventRecordID": "42",
		"Channel": "System", "Computer": "pc1", "ProcessID": "4", "ThreadID": "8", "UserID": "S-1-5-18",
		"ServiceName": "evil", "ImagePath": "", "Data": []string{"a", "b"}, "User": "u", "Leaf": "3",
	}
	// Field names are case-insensitive; the display spelling is whichever
	// the process interned first (System's ProcessID and Sysmon's
	// ProcessId are one field), so compare folded names.
	if fmt.Sprint(foldKeys(got)) != fmt.Sprint(foldKeys(want)) {
		t.Fatalf("flattened\n got %v\nwant %v", got, want)
	}
}

func foldKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}
