package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestSimCareWritesTrust(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trust")
	var out, errb bytes.Buffer
	code := run([]string{"sim", "care", "--seed", "3", "--size", "small", "--staff", "80", "--patients", "1500", "--days", "3", "--out", dir}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !regexp.MustCompile(`80 staff, 1500 patients, 3 days, [1-9]\d* accesses`).MatchString(out.String()) {
		t.Errorf("summary line missing: %s", out.String())
	}
	for _, name := range []string{"staff.csv", "vip.txt", "access.ndjson", "breakglass_reviews.csv", "truth.json", "adt", "appointments"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

func TestSimCareBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"sim"},
		{"sim", "other"},
		{"sim", "care", "--size", "huge", "--out", "x"},
		{"sim", "care", "--size", "small"},
		{"sim", "care", "--staff", "5", "--out", "x"},
		{"sim", "care", "--start", "March", "--out", "x"},
		{"sim", "care", "--out", "x", "extra"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit code %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
}
