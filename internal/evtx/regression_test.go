package evtx

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
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestRegressionJSON parses every .evtx of the Sigma regression data and
// compares each record, field by field, with the evtx_dump JSON beside it.
func TestRegressionJSON(t *testing.T) {
	root := sharedtest.Path(t, "sigma", "regression_data")
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".evtx") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 100 {
		t.Fatalf("found %d .evtx files under %s, want the whole regression set", len(files), root)
	}
	var records, fields int
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		want, err := readDumpJSON(strings.TrimSuffix(path, ".evtx") + ".json")
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		got := readAll(t, path, rel)
		if len(got) != len(want) {
			t.Errorf("%s: %d records, the JSON has %d", rel, len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			fields += compareRecord(t, rel, got[i], want[i])
			records++
		}
	}
	t.Logf("%d files, %d records, %d fields compared", len(files), records, fields)
}

// readAll reads every record of the file at path, failing on any problem.
func readAll(t *testing.T, path, rel string) []*event.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f, rel)
	if err != nil {
		t.Fatal(err)
	}
	var out []*event.Event
	var ev event.Event
	for {
		err := r.Next(&ev)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		out = append(out, ev.Clone())
		out[len(out)-1].Record = ev.Record
	}
	if st := r.Stats(); len(st.Problems) > 0 {
		t.Errorf("%s: problems in a clean file: %v", rel, st.Problems)
	}
	return out
}

// compareRecord checks that every field of the evtx_dump record is in the
// event with the same values; it returns how many fields it compared.
func compareRecord(t *testing.T, file string, got *event.Event, want map[string]any) int {
	t.Helper()
	exp := flattenDump(want)
	rid := exp[event.RecordID]
	if len(rid) != 1 || rid[0] != fmt.Sprint(got.Record) {
		t.Errorf("%s: record %d, JSON has EventRecordID %v", file, got.Record, rid)
	}
	for id, wantVals := range exp {
		var gotVals []string
		for i := got.Index(id); i >= 0; i = got.Next(i) {
			gotVals = append(gotVals, got.Value(i))
		}
		slices.Sort(gotVals)
		slices.Sort(wantVals)
		if sameValues(gotVals, wantVals) {
			continue
		}
		key := dumpDiff{file, got.Record, id.String(), strings.Join(gotVals, "|"), strings.Join(wantVals, "|")}
		if _, known := knownDumpDiffs[key]; known {
			continue
		}
		t.Errorf("%s: record %d: field %s = %q, evtx_dump has %q", file, got.Record, id, gotVals, wantVals)
	}
	return len(exp)
}

// dumpDiff is a field where a regression JSON file disagrees with its own
// .evtx file.
type dumpDiff struct {
	file   string
	record uint64
	field  string
	got    string // what the .evtx holds
	dump   string // what the JSON says
}

// knownDumpDiffs lists the JSON files that were edited after export; in each
// case evtxexport (libevtx) reads the same value from the .evtx as this
// parser does.
var knownDumpDiffs = map[dumpDiff]string{
	{
		file:   "rules/windows/process_creation/proc_creation_win_susp_right_to_left_override/ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx",
		record: 23419552, field: "ParentCommandLine",
		got: `C:\Windows\Explorer.EXE`, dump: `C:\Windows\Explorer.exe`,
	}: "the JSON changed the case of the extension",
}

// sameValues compares rendered values, treating two timestamps as equal when
// they agree to the microsecond: one JSON file was written by an evtx_dump
// that prints nanoseconds.
func sameValues(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] == want[i] {
			continue
		}
		g, err1 := time.Parse(time.RFC3339Nano, got[i])
		w, err2 := time.Parse(time.RFC3339Nano, want[i])
		if err1 != nil || err2 != nil || !g.Truncate(time.Microsecond).Equal(w.Truncate(time.Microsecond)) {
			return false
		}
	}
	return true
}

// readDumpJSON reads the concatenated JSON documents that evtx_dump writes.
func readDumpJSON(path string) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var docs []map[string]any
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return docs, nil
		} else if err != nil {
			return nil, fmt.Errorf("record %d: %w", len(docs)+1, err)
		}
		docs = append(docs, doc)
	}
}

// flattenDump flattens one evtx_dump record by the field-naming contract:
// Event.System children and their #attributes, Event.EventData children and
// the leaves of Event.UserData. The test keeps its own table of System
// attribute names so that it does not check the parser against itself.
func flattenDump(doc map[string]any) map[event.FieldID][]string {
	out := map[event.FieldID][]string{}
	add := func(name string, v any) {
		for _, s := range jsonScalars(v) {
			id := event.Intern(name)
			out[id] = append(out[id], s)
		}
	}
	ev, _ := doc["Event"].(map[string]any)
	sys, _ := ev["System"].(map[string]any)
	for elem, v := range sys {
		m, ok := v.(map[string]any)
		if !ok {
			add(elem, v)
			continue
		}
		if text, ok := m["#text"]; ok {
			add(elem, text)
		}
		attrs, _ := m["#attributes"].(map[string]any)
		for a, av := range attrs {
			if name := dumpSystemAttr(elem, a); name != "" {
				add(name, av)
			}
		}
	}
	for section, v := range ev {
		switch section {
		case "System", "#attributes", "RenderingInfo":
		default:
			flattenLeaves(v, section, add)
		}
	}
	return out
}

func dumpSystemAttr(elem, attr string) string {
	switch elem + "." + attr {
	case "Provider.Name":
		return "Provider_Name"
	case "Provider.Guid":
		return "Provider_Guid"
	case "TimeCreated.SystemTime":
		return "TimeCreated"
	case "EventID.Qualifiers": // the contract keeps the number only
		return ""
	}
	return attr
}

// flattenLeaves adds each leaf under v as a field named by its key; "#text"
// belongs to the enclosing key and attributes are not fields.
func flattenLeaves(v any, key string, add func(string, any)) {
	m, ok := v.(map[string]any)
	if !ok {
		add(key, v)
		return
	}
	for k, sub := range m {
		switch k {
		case "#attributes":
		case "#text":
			add(key, sub)
		default:
			flattenLeaves(sub, k, add)
		}
	}
}

// jsonScalars renders a JSON leaf (or a list of them) as the strings the
// parser must produce; null produces nothing.
func jsonScalars(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, jsonScalars(e)...)
		}
		return out
	case json.Number:
		return []string{x.String()}
	case string:
		return []string{x}
	case bool:
		return []string{fmt.Sprint(x)}
	}
	return []string{fmt.Sprint(v)}
}
