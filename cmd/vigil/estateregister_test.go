package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/estate"
)

func TestEstateRegisterCommands(t *testing.T) {
	data := t.TempDir()
	steps := []struct {
		name     string
		args     []string
		wantCode int
		want     string // in stdout, or stderr when the command fails
	}{
		{"approve before add", []string{"approve", "--asset", "pacs-ws1"}, 1, "no entry"},
		{"add", []string{"add", "--asset", "pacs-ws1", "--reason", "runs the modality software", "--owner", "Imaging",
			"--support-end", "2020-01-14"}, 0, "added"},
		{"approve without a mitigation", []string{"approve", "--asset", "pacs-ws1"}, 1, "lacks its reason, mitigation or owner"},
		{"update the mitigation", []string{"add", "--asset", "PACS-WS1", "--mitigation", "own VLAN, no internet"}, 0, "updated"},
		{"bad date", []string{"add", "--asset", "x", "--review", "14/01/2027"}, 2, `invalid value "14/01/2027" for flag -review: want a date YYYY-MM-DD`},
		{"no asset", []string{"add", "--reason", "x"}, 2, "give --asset"},
		{"approve", []string{"approve", "--asset", "pacs-ws1", "--date", "2026-03-01", "--review", "2027-03-01"}, 0, "2026-03-01"},
		{"add one ending soon", []string{"add", "--asset", "lab-srv", "--support-end", "2026-09-30", "--owner", "Pathology"}, 0, "added"},
	}
	for _, s := range steps {
		args := append([]string{"estate", "register", s.args[0], "--data", data}, s.args[1:]...)
		code, stdout, stderr := runVigil(t, args...)
		if code != s.wantCode || !strings.Contains(stdout+stderr, s.want) {
			t.Fatalf("%s: exit %d\nstdout %s\nstderr %s", s.name, code, stdout, stderr)
		}
	}
	reg, ok, err := estate.OpenRegister(data)
	if err != nil || !ok || len(reg.Entries) != 2 {
		t.Fatalf("register: %v %v %+v", ok, err, reg)
	}
	e := reg.Entry("pacs-ws1")
	if e.Mitigation != "own VLAN, no internet" || e.Reason != "runs the modality software" || e.BoardApproved.Format("2006-01-02") != "2026-03-01" {
		t.Errorf("entry %+v", e)
	}
	code, stdout, stderr := runVigil(t, "estate", "register", "list", "--data", data, "--at", "2026-06-01", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("list: %d %s", code, stderr)
	}
	want := map[string]string{"pacs-ws1": "out of support: approved", "lab-srv": "support ends within 6 months"}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("list: %q", stdout)
	}
	for _, l := range lines {
		var r registerRow
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if want[r.Asset] != r.Status {
			t.Errorf("%s: status %q, want %q", r.Asset, r.Status, want[r.Asset])
		}
	}
	code, stdout, _ = runVigil(t, "estate", "register", "list", "--data", data, "--at", "2027-04-01")
	if code != 0 || !strings.Contains(stdout, "review overdue") {
		t.Errorf("after the review date: %d\n%s", code, stdout)
	}
}
