package syslog

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// render writes an event as stable text: metadata, then each field in the
// order it was added.
func render(ev *event.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Time: %s\nSource: %s\nRecord: %d\nHost: %q\n", ev.Time.Format(time.RFC3339Nano), ev.Source, ev.Record, ev.Host)
	if ls := ev.LogSource; ls != (event.LogSource{}) {
		fmt.Fprintf(&b, "LogSource: product=%q category=%q service=%q\n", ls.Product, ls.Category, ls.Service)
	}
	for i := range ev.Len() {
		id, v := ev.Field(i)
		fmt.Fprintf(&b, "  %s = %q\n", id, v)
	}
	return b.String()
}

func readAll(t *testing.T, r io.Reader, name string) (string, Stats) {
	t.Helper()
	rd := NewReader(r, name)
	rd.SetReference(testRef)
	var out strings.Builder
	var ev event.Event
	for {
		err := rd.Next(&ev)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		fmt.Fprintf(&out, "# event\n%s", render(&ev))
	}
	st := rd.Stats()
	fmt.Fprintf(&out, "# records %d, plain %d, skipped %d\n", st.Records, st.Plain, st.Skipped)
	for _, p := range st.Problems {
		fmt.Fprintf(&out, "# problem: %v\n", p)
	}
	return out.String(), st
}

// TestGoldenSamples reads the CEF and LEEF examples and a Cisco line from
// the Sigma regression data, and compares the events with testdata/golden
// (go test -update rewrites them).
func TestGoldenSamples(t *testing.T) {
	dir := sharedtest.Path(t, "health-examples", "syslog")
	files, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil || len(files) < 5 {
		t.Fatalf("sample logs: %v, %d found", err, len(files))
	}
	files = append(files, sharedtest.Path(t, "sigma", "regression_data", "rules", "cisco", "aaa",
		"cisco_cli_dot1x_disabled", "ef0ff092-a24a-4fbc-beea-06c08d53e085.raw"))
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, st := readAll(t, bytes.NewReader(data), name)
			if st.Records == 0 || st.Skipped != 0 {
				t.Errorf("%d records, %d skipped", st.Records, st.Skipped)
			}
			sharedtest.Golden(t, filepath.Join("testdata", "golden", name+".golden"), []byte(got), *update)
		})
	}
}

func TestReaderProblems(t *testing.T) {
	in := strings.Join([]string{
		"<38>Mar  5 10:00:01 h sshd[1]: Accepted publickey for alice",
		"",
		"   ",
		"plain text line",
		"<38>Mar  5 10:00:02 h app: bad\x00byte",
		"Mar  5 10:00:03 h app: caf\xe9",
		"CEF:0|V|P",
		"<38>Mar  5 10:00:04 h sudo: alice : TTY=pts/0 ; COMMAND=/bin/ls\r",
	}, "\n")
	for wname, wrap := range map[string]func(io.Reader) io.Reader{
		"whole": func(r io.Reader) io.Reader { return r }, "one byte": iotest.OneByteReader,
	} {
		t.Run(wname, func(t *testing.T) {
			rd := NewReader(wrap(strings.NewReader(in)), "in.log")
			var records []uint64
			var lastMsg, lastService string
			var ev event.Event
			for {
				err := rd.Next(&ev)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if ev.Source != "in.log" {
					t.Errorf("Source = %q", ev.Source)
				}
				records = append(records, ev.Record)
				lastMsg, _ = ev.Get(fMessage)
				lastService = ev.LogSource.Service
			}
			if fmt.Sprint(records) != "[1 4 7 8]" {
				t.Errorf("records %v, want [1 4 7 8]", records)
			}
			if lastMsg != "alice : TTY=pts/0 ; COMMAND=/bin/ls" || lastService != "sudo" {
				t.Errorf("last event: message %q, service %q", lastMsg, lastService)
			}
			st := rd.Stats()
			want := []string{
				"in.log:5: binary data: NUL byte at byte 30",
				"in.log:6: binary data: invalid UTF-8 at byte 26",
				"in.log:7: malformed CEF header: 3 of its 7 fields",
			}
			if st.Records != 4 || st.Plain != 1 || st.Skipped != 2 || len(st.Problems) != len(want) {
				t.Fatalf("stats %+v", st)
			}
			for i, w := range want {
				if st.Problems[i].Error() != w {
					t.Errorf("problem %d = %q, want %q", i, st.Problems[i], w)
				}
			}
			var p *Problem
			if !errors.As(st.Problems[0], &p) || p.Line != 5 || !errors.Is(p, ErrBinary) {
				t.Errorf("problem 0 = %#v", st.Problems[0])
			}
		})
	}
}

func TestReaderLongLine(t *testing.T) {
	defer func(n int) { maxLine = n }(maxLine)
	for _, n := range []int{100, 100 << 10} { // within and beyond the read buffer
		maxLine = n
		in := "first\n" + strings.Repeat("x", n+500) + "\nlast\n"
		rd := NewReader(strings.NewReader(in), "in.log")
		var msgs []string
		var ev event.Event
		for rd.Next(&ev) == nil {
			v, _ := ev.Get(fMessage)
			msgs = append(msgs, v)
		}
		st := rd.Stats()
		if len(msgs) != 3 || len(msgs[1]) != n || msgs[2] != "last" || len(st.Problems) != 1 ||
			!strings.Contains(st.Problems[0].Error(), fmt.Sprintf("in.log:2: line longer than %d bytes", n)) {
			t.Errorf("maxLine %d: %d events (middle %d bytes, last %q), problems %v", n, len(msgs), len(msgs[1]), msgs[len(msgs)-1], st.Problems)
		}
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	rd := NewReader(io.MultiReader(strings.NewReader("one\n"), iotest.ErrReader(boom)), "in.log")
	var ev event.Event
	if err := rd.Next(&ev); err != nil {
		t.Fatal(err)
	}
	if err := rd.Next(&ev); !errors.Is(err, boom) || !strings.Contains(err.Error(), "in.log") {
		t.Errorf("Next = %v, want the read error naming the file", err)
	}
}
