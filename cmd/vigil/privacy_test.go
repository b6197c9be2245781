package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// trustDir is the small hand-built trust the privacy package tests use.
var trustDir = filepath.Join("..", "..", "internal", "privacy", "testdata", "trust")

func trustArgs(format string) []string {
	return []string{"privacy", "audit",
		"--staff", filepath.Join(trustDir, "staff.csv"),
		"--adt", filepath.Join(trustDir, "adt"), filepath.Join(trustDir, "adt", "day1.hl7"),
		"--access", filepath.Join(trustDir, "access.ndjson"),
		"--vip", filepath.Join(trustDir, "vip.txt"),
		"--format", format}
}

// TestPrivacyAuditJSONL runs the command end to end and checks the exact
// shape of the JSON lines: one object per case, then the summary.
func TestPrivacyAuditJSONL(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(trustArgs("jsonl"), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("want cases and a summary, got %q", out.String())
	}
	required := []string{"case_id", "user_id", "patient_id", "kinds", "score", "first_seen", "last_seen", "accesses", "evidence"}
	kinds := map[string]bool{}
	for i, line := range lines[:len(lines)-1] {
		var c map[string]any
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, k := range required {
			if _, ok := c[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, k, line)
			}
		}
		for _, k := range []string{"first_seen", "last_seen"} {
			if _, err := time.Parse(time.RFC3339, c[k].(string)); err != nil {
				t.Errorf("line %d: %s %v is not RFC 3339", i+1, k, c[k])
			}
		}
		if _, ok := c["score"].(float64); !ok {
			t.Errorf("line %d: score %v is not a number", i+1, c["score"])
		}
		if ev, ok := c["evidence"].([]any); !ok || len(ev) == 0 {
			t.Errorf("line %d: evidence %v is not a list of sentences", i+1, c["evidence"])
		}
		for _, k := range c["kinds"].([]any) {
			kinds[k.(string)] = true
		}
	}
	for _, k := range []string{"family", "coworker", "vip", "neighbour", "self", "deceased", "mass_lookup", "no_relationship", "department_mismatch", "out_of_hours", "breakglass_misuse", "repeat_offender"} {
		if !kinds[k] {
			t.Errorf("no case of kind %s", k)
		}
	}
	var sum struct {
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil || sum.Summary == nil {
		t.Fatalf("last line is not a summary: %v %s", err, lines[len(lines)-1])
	}
	for _, k := range []string{"accesses", "explained", "cases", "by_explanation"} {
		if _, ok := sum.Summary[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	if got := int(sum.Summary["cases"].(float64)); got != len(lines)-1 {
		t.Errorf("summary says %d cases, %d printed", got, len(lines)-1)
	}
	if !strings.Contains(errb.String(), "staff.csv:13") {
		t.Errorf("stderr does not name the bad roster line: %s", errb.String())
	}
}

// TestPrivacyAuditFormats checks the CSV and table outputs and the errors.
func TestPrivacyAuditFormats(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(trustArgs("csv"), &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "case_id,user_id,patient_id,kinds,score") {
		t.Errorf("csv: exit %d, output %q", code, out.String())
	}
	out.Reset()
	if code := run(trustArgs("table"), &out, &errb); code != 0 || !strings.Contains(out.String(), "records opened") || !strings.Contains(out.String(), "PC-") {
		t.Errorf("table: exit %d, output %q", code, out.String())
	}
	bad := filepath.Join(t.TempDir(), "staff.csv")
	if err := os.WriteFile(bad, []byte("user_id,given_name,family_name\nA,B,C\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := trustArgs("jsonl")
	args[slices.Index(args, "--staff")+1] = bad
	errb.Reset()
	if code := run(args, &out, &errb); code != 1 || !strings.Contains(errb.String(), "job_role, department, address, postcode, start_date, end_date") {
		t.Errorf("roster without columns: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"privacy", "audit", "--adt", "x"}, &out, &errb); code != 2 {
		t.Errorf("missing --staff: exit %d, %s", code, errb.String())
	}
}

func TestSpreadPaths(t *testing.T) {
	got := spreadPaths([]string{"--adt", "a", "b", "--format=csv", "--access=c", "d", "--vip", "v"}, "adt", "access")
	want := []string{"--adt", "a", "--adt", "b", "--format=csv", "--access=c", "--access", "d", "--vip", "v"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestPrivacyAuditTruth checks that --truth prints the evaluation.
func TestPrivacyAuditTruth(t *testing.T) {
	truth := filepath.Join(t.TempDir(), "truth.json")
	if err := os.WriteFile(truth, []byte(`{"legitimate":10,"misuse":[{"user_id":"M001","patient_id":"x","kind":"mass_lookup"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(append(trustArgs("jsonl"), "--truth", truth), &out, &errb); code != 0 || !strings.Contains(errb.String(), `evaluation: {"misuse_pairs":1,"found_pairs":0`) {
		t.Errorf("exit %d, stderr %s", code, errb.String())
	}
}

// TestPrivacyReport runs "vigil privacy report" for one patient in each
// format and checks the errors a user can make.
func TestPrivacyReport(t *testing.T) {
	args := func(format string) []string {
		a := trustArgs(format)
		a[1] = "report"
		return append(a, "--patient", "999 000 0026") // patient 1 of the test trust
	}
	tests := []struct {
		format string
		want   string
	}{
		{"csv", "time,user_id,user_name,role,action,reason,case_id\n"},
		{"fhir", `"resourceType": "Bundle"`},
		{"pdf", "%PDF-1.4\n"},
	}
	for _, tc := range tests {
		out := filepath.Join(t.TempDir(), "report."+tc.format)
		var stdout, errb bytes.Buffer
		if code := run(append(args(tc.format), "--output", out), &stdout, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.format, code, errb.String())
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), tc.want) || !strings.Contains(string(data), "Shah") {
			t.Errorf("%s report lacks %q or the consultant: %.300s", tc.format, tc.want, data)
		}
	}
	var out, errb bytes.Buffer
	if code := run(args("docx"), &out, &errb); code != 2 || !strings.Contains(errb.String(), "fhir, csv, pdf") && !strings.Contains(errb.String(), "csv, fhir, pdf") {
		t.Errorf("format docx: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"privacy", "report"}, &out, &errb); code != 2 {
		t.Errorf("report without inputs: exit %d", code)
	}
	errb.Reset()
	noPatient := args("csv")
	if code := run(noPatient[:len(noPatient)-2], &out, &errb); code != 2 || !strings.Contains(errb.String(), "--patient") {
		t.Errorf("report without --patient: exit %d, %s", code, errb.String())
	}
}
