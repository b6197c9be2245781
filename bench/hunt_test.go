package bench

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// buildVigil compiles the vigil binary into a temporary folder.
func buildVigil(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "vigil")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/vigil")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build vigil: %v\n%s", err, out)
	}
	return bin
}

// replicate copies every EVTX file under src into dst n times.
func replicate(tb testing.TB, src, dst string, n int) int64 {
	tb.Helper()
	var total int64
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(strings.ToLower(p), ".evtx") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i := range n {
			name := filepath.Join(dst, fmt.Sprintf("copy%03d", i), strings.ReplaceAll(filepath.Base(p), " ", "_"))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return err
			}
			total += int64(len(data))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return total
}

var eventsRead = regexp.MustCompile(`events read\s+(\d+)`)

// TestHuntMemoryTable hunts with every SigmaHQ rule over the EVTX attack
// samples copied 1, 8 and 64 times, and prints the peak resident memory of
// each run: it must stay under 500 MB and not grow with the input.
//
//	go test -run TestHuntMemoryTable -v
func TestHuntMemoryTable(t *testing.T) {
	shared := sharedtest.Dir(t)
	bin := buildVigil(t)
	copies := []int{1, 8, 64}
	if testing.Short() {
		copies = []int{1, 2}
	}
	var rules []string
	for _, d := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting"} {
		rules = append(rules, "--rules", filepath.Join(shared, "sigma", d))
	}
	t.Logf("\n%-8s %10s %10s %10s %12s %12s", "copies", "input MB", "events", "seconds", "events/s", "peak RSS MB")
	var peaks []float64
	for _, n := range copies {
		dir := t.TempDir()
		size := replicate(t, filepath.Join(shared, "evtx-attack-samples"), dir, n)
		args := append(append([]string{"hunt", "--format", "jsonl", "--output", os.DevNull}, rules...), dir)
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("vigil hunt: %v\n%s", err, stderr.String())
		}
		secs := time.Since(start).Seconds()
		peak := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024 // KiB on Linux
		m := eventsRead.FindStringSubmatch(stderr.String())
		if m == nil {
			t.Fatalf("no summary in output:\n%s", stderr.String())
		}
		events, _ := strconv.Atoi(m[1])
		t.Logf("%-8d %10.0f %10d %10.2f %12.0f %12.0f", n, float64(size)/1e6, events, secs, float64(events)/secs, peak)
		peaks = append(peaks, peak)
		if peak > 500 {
			t.Errorf("peak RSS %.0f MB over %d copies is above 500 MB", peak, n)
		}
	}
	if last, first := peaks[len(peaks)-1], peaks[0]; last > 1.5*first+50 {
		t.Errorf("peak RSS grew with the input: %.0f MB for 1 copy, %.0f MB for %d", first, last, copies[len(copies)-1])
	}
}
