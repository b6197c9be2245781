package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/hunt"
)

func runVigil(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRulesCheckJSON(t *testing.T) {
	dir := t.TempDir()
	good := "title: Good\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: '\\cmd.exe'\n  condition: sel\nlevel: low\n"
	bad := "title: Bad\nlogsource:\n  product: windows\ndetection:\n  sel:\n    CommandLine|contians: x\n  condition: sel\n"
	os.WriteFile(filepath.Join(dir, "good.yml"), []byte(good), 0o600)
	os.WriteFile(filepath.Join(dir, "bad.yml"), []byte(bad), 0o600)
	code, stdout, stderr := runVigil(t, "rules", "check", "--format", "json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Loaded  int `json:"loaded"`
		Refused []struct {
			Path  string `json:"path"`
			Error string `json:"error"`
		} `json:"refused"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, stdout)
	}
	if got.Loaded != 1 || len(got.Refused) != 1 {
		t.Fatalf("loaded %d, refused %d; want 1 and 1:\n%s", got.Loaded, len(got.Refused), stdout)
	}
	if !strings.HasSuffix(got.Refused[0].Path, "bad.yml") || !strings.Contains(got.Refused[0].Error, "contians") {
		t.Errorf("refusal %+v does not name the file and the bad modifier", got.Refused[0])
	}
	if code, _, _ := runVigil(t, "rules", "check", "--strict", dir); code != 1 {
		t.Errorf("--strict with a refused rule exits %d, want 1", code)
	}
}

func TestHuntSampleWithOwnPack(t *testing.T) {
	code, stdout, stderr := runVigil(t, "hunt", "../../samples", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	titles := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var d struct {
			RuleTitle string `json:"rule_title"`
			Level     string `json:"level"`
		}
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		titles[d.RuleTitle]++
	}
	if len(titles) < 10 {
		t.Errorf("the sample attack raised only %d distinct rules: %v", len(titles), titles)
	}
	if !strings.Contains(stderr, "Hunt summary") || !strings.Contains(stderr, "events read") {
		t.Errorf("no summary on stderr:\n%s", stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nonsense"},
		{"hunt"},
		{"hunt", "--format", "xml", "../../samples"},
		{"hunt", "--min-level", "severe", "../../samples"},
		{"hunt", "--from", "yesterday", "../../samples"},
		{"rules", "check"},
	} {
		if code, _, _ := runVigil(t, args...); code != 2 {
			t.Errorf("vigil %q exits %d, want 2", args, code)
		}
	}
}

func TestParseInterleaved(t *testing.T) {
	code, _, stderr := runVigil(t, "hunt", "../../samples/pas-srv01.jsonl", "--format", "csv", "--min-level", "critical")
	if code != 0 {
		t.Fatalf("flags after the path: exit %d: %s", code, stderr)
	}
}

func TestProgressLine(t *testing.T) {
	var p hunt.Progress
	p.FilesTotal.Store(4)
	p.FilesDone.Store(1)
	p.Events.Store(5000)
	p.Detections.Store(7)
	line := progressLine(&p, 2*time.Second)
	for _, want := range []string{"files 1/4", "events 5000", "detections 7", "2500 events/s", "██████░"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	// Off a terminal the bar is not drawn at all.
	var buf bytes.Buffer
	stop := startProgress(&buf, &p)
	stop()
	if buf.Len() != 0 {
		t.Errorf("progress drawn to a non-terminal: %q", buf.String())
	}
}
