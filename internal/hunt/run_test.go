package hunt

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sigma"
)

func testEngine(t *testing.T) *Engine {
	t.Helper()
	set := sigma.Load([]string{"testdata/rules"}, sigma.Options{})
	if len(set.Refused) > 0 {
		t.Fatalf("test rules refused: %v", set.Refused)
	}
	eng, err := NewEngine(set)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func hunt(t *testing.T, paths []string, opts Options) ([]*Detection, *Summary) {
	t.Helper()
	var got []*Detection
	sum, err := Run(context.Background(), paths, testEngine(t), opts, func(d *Detection) error {
		got = append(got, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b *Detection) int { return a.Timestamp.Compare(b.Timestamp) })
	return got, sum
}

func records(ds []*Detection, ruleID string) []uint64 {
	var rs []uint64
	for _, d := range ds {
		if d.RuleID == ruleID {
			rs = append(rs, d.Record)
		}
	}
	slices.Sort(rs)
	return rs
}

const (
	vssRule  = "0d3f7f4e-6a8b-4c53-9a44-2f1c8f0b6a01"
	bruteID  = "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a503"
	failedID = "5c0a2b1e-8f43-4d7e-b2a9-7e6d5c4b3a02"
)

func TestHuntFindsAndReports(t *testing.T) {
	got, sum := hunt(t, []string{"testdata/logs"}, Options{})
	if rs := records(got, vssRule); !slices.Equal(rs, []uint64{102, 103, 105}) {
		t.Errorf("shadow copy rule fired on records %v, want [102 103 105]", rs)
	}
	// The failed-logon rule only feeds the correlation (generate is false).
	if rs := records(got, failedID); len(rs) != 0 {
		t.Errorf("failed-logon rule reported on its own %d times, want 0", len(rs))
	}
	var corr *Detection
	for _, d := range got {
		if d.RuleID == bruteID {
			if corr != nil {
				t.Fatalf("correlation fired more than once")
			}
			corr = d
		}
	}
	if corr == nil || corr.Correlation == nil {
		t.Fatalf("brute-force correlation did not fire; detections: %v", got)
	}
	if corr.Correlation.EventCount < 5 || corr.Correlation.GroupBy["TargetUserName"] != "theatre.admin" {
		t.Errorf("correlation = %+v, want >= 5 events for theatre.admin", corr.Correlation)
	}
	for _, e := range corr.Correlation.Events {
		if e.RuleID != failedID || e.Record < 900 || e.Record > 905 {
			t.Errorf("correlation event ref %+v is not one of the failed logons", e)
		}
	}
	if sum.Files != 2 || sum.Events != 10 {
		t.Errorf("summary read %d files and %d events, want 2 and 10", sum.Files, sum.Events)
	}
	if sum.ByLevel["high"] != 4 {
		t.Errorf("high detections = %d, want 4 (3 shadow copy, 1 correlation)", sum.ByLevel["high"])
	}
	if len(sum.Skipped) != 1 || sum.Skipped[0].Records != 1 || !strings.Contains(strings.Join(sum.Skipped[0].Problems, " "), "workstation.jsonl") {
		t.Errorf("skipped = %+v, want the one malformed line of workstation.jsonl", sum.Skipped)
	}
	if len(sum.TopRules) == 0 || sum.TopRules[0].RuleID != vssRule || sum.TopRules[0].Count != 3 {
		t.Errorf("top rules = %+v", sum.TopRules)
	}
}

func TestHuntTimeWindowAndLevel(t *testing.T) {
	from := time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 6, 4, 0, 0, 0, 0, time.UTC)
	got, sum := hunt(t, []string{"testdata/logs/workstation.jsonl"}, Options{From: from, To: to})
	if rs := records(got, vssRule); !slices.Equal(rs, []uint64{102, 105}) {
		t.Errorf("within 3 June: records %v, want [102 105]", rs)
	}
	if sum.OutsideWindow != 1 {
		t.Errorf("outside window = %d, want 1", sum.OutsideWindow)
	}
	got, _ = hunt(t, []string{"testdata/logs"}, Options{MinLevel: Critical})
	if len(got) != 0 {
		t.Errorf("min-level critical still reported %d detections", len(got))
	}
}

func TestHuntReadsGzip(t *testing.T) {
	data, err := os.ReadFile("testdata/logs/workstation.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	path := filepath.Join(t.TempDir(), "workstation.log.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := hunt(t, []string{path}, Options{})
	if rs := records(got, vssRule); !slices.Equal(rs, []uint64{102, 103, 105}) {
		t.Errorf("gzip input: records %v, want [102 103 105]", rs)
	}
}

func TestWriters(t *testing.T) {
	got, _ := hunt(t, []string{"testdata/logs"}, Options{})
	for _, format := range Formats {
		var buf bytes.Buffer
		w, err := NewWriter(format, &buf, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range got {
			if err := w.Write(d); err != nil {
				t.Fatal(err)
			}
		}
		w.Close()
		out := buf.String()
		switch format {
		case "jsonl":
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != len(got) {
				t.Fatalf("jsonl: %d lines for %d detections", len(lines), len(got))
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"rule_id", "rule_title", "level", "tags", "timestamp", "source", "record", "computer", "event"} {
				if _, ok := m[k]; !ok {
					t.Errorf("jsonl line lacks %q: %s", k, lines[0])
				}
			}
			if ts, _ := m["timestamp"].(string); !strings.HasSuffix(ts, "Z") {
				t.Errorf("timestamp %q is not RFC 3339 UTC", ts)
			}
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) != len(got)+1 {
				t.Fatalf("csv: %d rows, err %v", len(rows), err)
			}
		case "table":
			if !strings.Contains(out, "Shadow copies deleted with vssadmin") || strings.Contains(out, "\x1b[") {
				t.Errorf("table lacks the rule title or has colour codes off a terminal:\n%s", out)
			}
		}
	}
	if _, err := NewWriter("xml", &bytes.Buffer{}, false); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestMissingInputIsAnError(t *testing.T) {
	_, err := Run(context.Background(), []string{"testdata/no-such-file"}, testEngine(t), Options{}, func(*Detection) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "no-such-file") {
		t.Fatalf("err = %v, want one naming the missing path", err)
	}
}
