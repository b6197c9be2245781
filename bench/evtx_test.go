package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	peerevtx "www.velocidex.com/golang/evtx"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/evtx"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// The EVTX comparison parses the same files, in the same run, with Vigil's
// internal/evtx, with www.velocidex.com/golang/evtx, and with libevtx's
// evtxexport (Debian's libevtx-utils) run as a subprocess per file.

// evtxParser parses one file and returns the records it produced.
type evtxParser struct {
	name  string
	parse func(path string) (int, error)
}

func evtxParsers() []evtxParser {
	return []evtxParser{
		{"vigil", vigilEvtx},
		{"velocidex", velocidexEvtx},
		{"evtxexport", evtxexportRun(io.Discard)},
	}
}

// evtxSamples lists the attack sample files.
func evtxSamples(tb testing.TB) []string {
	tb.Helper()
	root := sharedtest.Path(tb, "evtx-attack-samples")
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(strings.ToLower(path), ".evtx") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("no .evtx files under %s", root)
	}
	return files
}

func vigilEvtx(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := evtx.NewReader(f, path)
	if err != nil {
		return 0, err
	}
	var ev event.Event
	n := 0
	for {
		if err := r.Next(&ev); errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, err
		}
		n++
	}
}

// velocidexEvtx parses with the peer library the way its own tools do: find
// the chunks, then parse each chunk's records into ordered dictionaries.
func velocidexEvtx(path string) (n int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	defer func() { // the peer panics on some malformed input
		if p := recover(); p != nil {
			err = fmt.Errorf("velocidex panicked: %v", p)
		}
	}()
	chunks, err := peerevtx.GetChunks(f)
	if err != nil {
		return 0, err
	}
	for _, c := range chunks {
		records, err := c.Parse(0)
		if err != nil {
			return n, err
		}
		n += len(records)
	}
	return n, nil
}

// evtxexportRun returns a parser that runs evtxexport on a file with its
// output going to out; it counts records from the output only when out is
// a recordCounter.
func evtxexportRun(out io.Writer) func(string) (int, error) {
	return func(path string) (int, error) {
		cmd := exec.Command("evtxexport", path)
		cmd.Stdout = out
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("evtxexport %s: %w: %s", path, err, stderr.Bytes())
		}
		if c, ok := out.(*recordCounter); ok {
			return c.take(), nil
		}
		return 0, nil
	}
}

// recordCounter counts the records in evtxexport's text output: each starts
// with a line "Event number".
type recordCounter struct {
	n    int
	tail []byte // the end of the previous write, for a marker split between writes
}

var eventMarker = []byte("\nEvent number")

func (c *recordCounter) Write(p []byte) (int, error) {
	buf := append(c.tail, p...)
	c.n += bytes.Count(buf, eventMarker)
	keep := min(len(buf), len(eventMarker)-1)
	c.tail = append(c.tail[:0], buf[len(buf)-keep:]...)
	return len(p), nil
}

func (c *recordCounter) take() int {
	n := c.n
	c.n, c.tail = 0, c.tail[:0]
	return n
}

func needEvtxexport(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("evtxexport"); err != nil {
		tb.Fatalf("evtxexport is not installed (apt-get install -y libevtx-utils): %v", err)
	}
}

// evtxRun is one parser's pass over the files.
type evtxRun struct {
	records, failed int
	elapsed         time.Duration
	firstErr        error
}

func runEvtxParser(files []string, parse func(string) (int, error)) evtxRun {
	var r evtxRun
	start := time.Now()
	for _, f := range files {
		n, err := parse(f)
		r.records += n
		if err != nil {
			r.failed++
			if r.firstErr == nil {
				r.firstErr = err
			}
		}
	}
	r.elapsed = time.Since(start)
	return r
}

func (r evtxRun) rate() float64 { return float64(r.records) / r.elapsed.Seconds() }

// BenchmarkEvtx parses all attack samples per iteration with each parser and
// reports records per second and the ratio of each parser's rate to Vigil's.
// The record count of each parser is taken once before timing (evtxexport's
// from its output; while timed its output goes to io.Discard).
func BenchmarkEvtx(b *testing.B) {
	needEvtxexport(b)
	files := evtxSamples(b)
	counts := map[string]int{}
	for _, p := range evtxParsers() {
		parse := p.parse
		if p.name == "evtxexport" {
			parse = evtxexportRun(&recordCounter{})
		}
		counts[p.name] = runEvtxParser(files, parse).records
	}
	var vigilRate float64
	for _, p := range evtxParsers() {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if r := runEvtxParser(files, p.parse); r.failed > 0 && p.name == "vigil" {
					b.Fatalf("vigil failed on %d files: %v", r.failed, r.firstErr)
				}
			}
			rate := float64(counts[p.name]) * float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "records/s")
			if p.name == "vigil" {
				vigilRate = rate
			}
			if vigilRate > 0 {
				b.ReportMetric(rate/vigilRate, "ratio-to-vigil")
			}
		})
	}
}

// TestEvtxTable prints the three parsers side by side over the attack
// samples: records, files with errors, time, records per second, and the
// speed relative to Vigil. The in-process parsers make three passes and the
// fastest counts; evtxexport, slower by far, makes one. It fails when
// evtxexport is missing, and when Vigil reads fewer records than libevtx.
func TestEvtxTable(t *testing.T) {
	needEvtxexport(t)
	files := evtxSamples(t)
	runs := map[string]evtxRun{}
	for _, p := range evtxParsers() {
		parse := p.parse
		if p.name == "evtxexport" {
			parse = evtxexportRun(&recordCounter{})
		}
		best := runEvtxParser(files, parse)
		for i := 0; i < 2 && p.name != "evtxexport"; i++ {
			if r := runEvtxParser(files, parse); r.elapsed < best.elapsed {
				best = r
			}
		}
		runs[p.name] = best
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nEVTX parsing, %d attack sample files (best of 3 passes in process, 1 for evtxexport)\n", len(files))
	fmt.Fprintf(&sb, "%-12s %9s %8s %10s %12s %10s\n", "parser", "records", "failed", "time", "records/s", "vs vigil")
	v := runs["vigil"]
	for _, p := range evtxParsers() {
		r := runs[p.name]
		fmt.Fprintf(&sb, "%-12s %9d %8d %10s %12.0f %9.2fx\n", p.name, r.records, r.failed,
			r.elapsed.Round(time.Millisecond), r.rate(), r.rate()/v.rate())
	}
	sb.WriteString("evtxexport runs as one process per file and writes text through a pipe;\nvigil and velocidex run in this process and only decode.\n")
	t.Log(sb.String())
	for _, p := range evtxParsers() {
		if r := runs[p.name]; r.firstErr != nil {
			t.Logf("%s: first error: %v", p.name, r.firstErr)
		}
	}
	if v.failed > 0 {
		t.Errorf("vigil failed on %d files: %v", v.failed, v.firstErr)
	}
	if lib := runs["evtxexport"]; v.records < lib.records {
		t.Errorf("vigil read %d records, evtxexport %d", v.records, lib.records)
	}
}
