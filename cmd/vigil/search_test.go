package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
)

// searchData writes a data folder whose event store holds a few events,
// the newest a minute ago.
func searchData(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	st, err := eventstore.Open(filepath.Join(data, "events"), eventstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	evs := []storetest.Event{
		{Time: now.Add(-48 * time.Hour), Host: "WS01", Source: "http", Fields: [][2]string{{"EventID", "4625"}, {"TargetUserName", "alice"}}},
		{Time: now.Add(-2 * time.Hour), Host: "WS02", Source: "syslog", LogSource: event.LogSource{Product: "windows"},
			Fields: [][2]string{{"Hashes", "x"}, {"EventID", "1"}, {"Image", `C:\Tools\mimikatz.exe`}, {"CommandLine", "mimikatz.exe\nsekurlsa::logonpasswords"}}},
		{Time: now.Add(-time.Minute), Host: "WS01", Source: "http", Fields: [][2]string{{"EventID", "4624"}, {"TargetUserName", "bob"}}},
	}
	if err := st.Append(context.Background(), storetest.Records(1, evs...)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSearchCommand(t *testing.T) {
	data := searchData(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings, in order
		stderr string
	}{
		{"field", []string{"--data", data, "host:ws01"}, 0, []string{"TIME", "WS01", "EventID=4624 TargetUserName=bob", "WS01", "EventID=4625"}, "2 of 2 matching"},
		{"free text, telling fields first", []string{"mimikatz", "--data", data}, 0, []string{"WS02  syslog  EventID=1 Image=C:\\Tools\\mimikatz.exe CommandLine=mimikatz.exe sekurlsa::logonpasswords Hashes=x"}, "1 of 1"},
		{"since a duration", []string{"--data", data, "--since", "24h"}, 0, []string{"bob", "mimikatz"}, "2 of 2"},
		{"limit", []string{"--data", data, "--limit", "1", "EventID:*"}, 0, []string{"bob"}, "1 of 3"},
		{"no match", []string{"--data", data, "nothing-like-this"}, 1, []string{"TIME"}, "0 of 0"},
		{"bad query", []string{"--data", data, "host:x", ")"}, 2, nil, "query column 8"},
		{"bad time", []string{"--data", data, "--since", "yesterday", "x"}, 2, nil, "--since"},
		{"bad format", []string{"--data", data, "--format", "csv", "x"}, 2, nil, "--format"},
		{"no store", []string{"--data", filepath.Join(data, "none"), "x"}, 2, nil, "open the event store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"search"}, tt.args...), &out, &errOut)
			if code != tt.code || !strings.Contains(errOut.String(), tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut.String(), tt.code, tt.stderr)
			}
			rest := out.String()
			for _, s := range tt.stdout {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Fatalf("output lacks %q after what came before:\n%s", s, out.String())
				}
				rest = rest[i+len(s):]
			}
		})
	}
}

func TestSearchCommandJSONL(t *testing.T) {
	data := searchData(t)
	var out, errOut bytes.Buffer
	if code := run([]string{"search", "--data", data, "--format", "jsonl", "TargetUserName:*"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), out.String())
	}
	var h eventstore.Hit
	if err := json.Unmarshal([]byte(lines[0]), &h); err != nil {
		t.Fatal(err)
	}
	if v, _ := h.Fields.Get("TargetUserName"); h.Seq != 3 || v != "bob" || h.Host != "WS01" {
		t.Fatalf("first line %+v, want event 3 of bob on WS01", h)
	}
}
