package files

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// readFile opens path and reads all its events.
func readFile(t *testing.T, path string) ([]*event.Event, Stats) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	defer func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	var evs []*event.Event
	var ev event.Event
	for {
		err := r.Next(&ev)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next(%s): %v", path, err)
		}
		if ev.Source != path {
			t.Fatalf("Source = %q, want %q", ev.Source, path)
		}
		evs = append(evs, ev.Clone())
	}
	return evs, r.Stats()
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t *testing.T, elem ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(sharedtest.Path(t, elem...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestOpenSniffsContent gives each sample a misleading name, plain and
// gzipped once and twice, and checks the reader by the events it yields.
func TestOpenSniffsContent(t *testing.T) {
	evtxFile := filepath.Join("sigma", "regression_data", "rules", "windows", "process_creation",
		"proc_creation_win_sc_stop_service", "81bcb81b-5b1f-474b-b373-52c871aaa7b1.evtx")
	samples := []struct {
		name    string
		data    []byte
		records int64
		check   func(ev *event.Event) bool
	}{
		{"evtx", mustRead(t, strings.Split(evtxFile, string(filepath.Separator))...), 1, func(ev *event.Event) bool {
			v, _ := ev.GetName("Image")
			return v == `C:\Windows\System32\sc.exe`
		}},
		{"json array", mustRead(t, "health-examples", "winjson", "hayabusa_test_nxlog-mordor.json"), 2, func(ev *event.Event) bool {
			return ev.Host == "test.local" && ev.Record == 138294
		}},
		{"ndjson", mustRead(t, "health-examples", "winjson", "zircolite_sample_events_evtxdump-layout.json"), 4, func(ev *event.Event) bool {
			v, _ := ev.GetName("CommandLine")
			return strings.HasPrefix(v, "powershell.exe") && ev.Host == "WORKSTATION01"
		}},
		{"pretty json with BOM", append([]byte("\xef\xbb\xbf\n  "), mustRead(t, "health-examples", "winjson", "sigma-regression_sysmon-1.json")...), 1,
			func(ev *event.Event) bool { return ev.Record == 142649 }},
		{"cef", mustRead(t, "health-examples", "syslog", "beats_cef.log"), 4, func(ev *event.Event) bool {
			return ev.LogSource.Product == "elastic"
		}},
		{"syslog", []byte("<38>Mar  5 10:00:01 web-1 sshd[1]: Accepted publickey for alice\n"), 1, func(ev *event.Event) bool {
			return ev.LogSource.Service == "sshd" && ev.Time.Year() == 2024
		}},
	}
	dir := t.TempDir()
	mod := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range samples {
		variants := map[string][]byte{
			"plain": s.data, "gzip": gzipBytes(t, s.data), "gzip twice": gzipBytes(t, gzipBytes(t, s.data)),
		}
		for vname, data := range variants {
			t.Run(s.name+"/"+vname, func(t *testing.T) {
				// The name says text for binary formats and JSON for text.
				p := writeFile(t, dir, strings.ReplaceAll(s.name+" "+vname, " ", "_")+".json.log", data)
				if err := os.Chtimes(p, mod, mod); err != nil {
					t.Fatal(err)
				}
				evs, st := readFile(t, p)
				if int64(len(evs)) != s.records || st.Records != s.records || st.Skipped != 0 {
					t.Fatalf("%d events, stats %+v; want %d", len(evs), st, s.records)
				}
				if !s.check(evs[0]) {
					t.Errorf("first event is not what the %s reader gives: %v", s.name, evs[0].Map())
				}
			})
		}
	}
}

func TestOpenEmptyAndBlank(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{"empty": nil, "blank": []byte(" \n\t\n"), "empty.gz": gzipBytes(t, nil)} {
		evs, st := readFile(t, writeFile(t, dir, name, data))
		if len(evs) != 0 || st.Records != 0 || st.Skipped != 0 {
			t.Errorf("%s: %d events, %+v", name, len(evs), st)
		}
	}
}

func TestOpenErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	gz := gzipBytes(t, bytes.Repeat([]byte("<14>Jan  1 00:00:00 h a: x\n"), 1000))
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing", filepath.Join(dir, "nope.log"), "no such file"},
		{"folder", dir, "is a directory"},
		{"bad gzip header", writeFile(t, dir, "bad.gz", []byte{0x1f, 0x8b, 0, 0, 0}), "gzip"},
	}
	for _, tt := range tests {
		_, err := Open(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Open = %v, want an error naming %s and saying %q", tt.name, err, tt.path, tt.want)
		}
	}
	// A damaged EVTX file opens, and its problems name it.
	bad := writeFile(t, dir, "bad.evtx", append([]byte("ElfFile\x00"), make([]byte, 100)...))
	evs, st := readFile(t, bad)
	if len(evs) != 0 || len(st.Problems) == 0 || !strings.Contains(st.Problems[0].Error(), bad) {
		t.Errorf("damaged EVTX: %d events, stats %+v; want a problem naming the file", len(evs), st)
	}
	// A truncated gzip file reads up to the damage, then fails naming it.
	p := writeFile(t, dir, "truncated.gz", gz[:len(gz)/2])
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ev event.Event
	n := 0
	for err = r.Next(&ev); err == nil; err = r.Next(&ev) {
		n++
	}
	if err == io.EOF || !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), p) || n == 0 {
		t.Errorf("truncated gzip: %d events, then %v; want some events, then unexpected EOF naming the file", n, err)
	}
}

func TestMalformedContentIsSkipped(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content string
		records       int64
		problem       string
	}{
		{"events.json", "{\"a\":\"1\"}\n{\"a\": nope}\n{\"a\":\"3\"}\n", 2, "events.json:2: malformed JSON"},
		{"auth.log", "Mar  5 10:00:01 h sshd[1]: ok\nbinary\x00junk\nMar  5 10:00:02 h sshd[1]: ok\n", 2, "auth.log:2: binary data"},
	}
	for _, tt := range tests {
		for _, gz := range []bool{false, true} {
			data := []byte(tt.content)
			if gz {
				data = gzipBytes(t, data)
			}
			p := writeFile(t, dir, tt.name, data)
			evs, st := readFile(t, p)
			if int64(len(evs)) != tt.records || st.Skipped != 1 || len(st.Problems) != 1 ||
				!strings.Contains(st.Problems[0].Error(), filepath.Join(dir, tt.problem)) {
				t.Errorf("%s (gzip %v): %d events, stats %+v; want %d and a problem %q", tt.name, gz, len(evs), st, tt.records, tt.problem)
			}
		}
	}
}

func TestWalk(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{
		"b/2.log", "b/1.log", "a.json", ".hidden.log", ".git/config", "b/.cache/x.log", "c/d/e.evtx.gz",
	} {
		writeFile(t, dir, name, []byte("x"))
	}
	if err := os.Symlink(filepath.Join(dir, "a.json"), filepath.Join(dir, "link.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "broken.log")); err != nil {
		t.Fatal(err)
	}
	hidden := writeFile(t, dir, ".given.log", []byte("yy"))
	var got []string
	err := Walk([]string{hidden, dir, filepath.Join(dir, "a.json")}, func(path string, size int64) error {
		rel, _ := filepath.Rel(dir, path)
		got = append(got, rel)
		if want := int64(1); rel != ".given.log" && size != want {
			t.Errorf("%s: size %d", rel, size)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".given.log", "a.json", "b/1.log", "b/2.log", "c/d/e.evtx.gz", "link.json"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Walk visited %q, want %q", got, want)
	}
}

func TestWalkErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	err := Walk([]string{dir, missing}, func(string, int64) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Walk(missing) = %v, want an error naming %s", err, missing)
	}
	writeFile(t, dir, "x.log", nil)
	stop := errors.New("stop")
	if err := Walk([]string{dir}, func(string, int64) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Walk = %v, want fn's error", err)
	}
}
