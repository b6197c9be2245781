// Package sharedtest locates the read-only shared test data (Sigma rules and
// regression logs, attack samples, health examples) that sits beside the
// project as ../shared, and reads what several packages' tests use from it:
// the SigmaHQ regression cases. It also compares output with golden files
// and starts `vigil serve` child processes for the tests that run the
// binary.
// Tests that need the data fail loudly when it is missing. It imports no
// product package, so that every package's tests can import it.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data folder, or fails the test naming where it
// looked. VIGIL_SHARED overrides the location.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := Find()
	if err != nil {
		tb.Fatalf("shared test data is missing: %v (set VIGIL_SHARED or place it at ../shared beside the repository)", err)
	}
	return dir
}

// Path joins elem onto Dir and fails the test if the result does not exist.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Dir(tb)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("shared test data is missing: %v", err)
	}
	return p
}

// Find returns the shared data folder without a testing.TB, for benchmarks
// and tools.
func Find() (string, error) {
	if d := os.Getenv("VIGIL_SHARED"); d != "" {
		return checkDir(d)
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return checkDir(filepath.Join(root, "..", "shared"))
}

func checkDir(d string) (string, error) {
	abs, err := filepath.Abs(d)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(abs, "sigma")); err != nil {
		return "", err
	}
	return abs, nil
}

// moduleRoot walks up from the working directory to the folder holding the
// main module's go.mod (a nested module such as bench/ is skipped).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && isMainModule(data) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

func isMainModule(gomod []byte) bool {
	const want = "module github.com/vigilhealth/vigil\n"
	return len(gomod) >= len(want) && string(gomod[:len(want)]) == want
}

// ReadGlob returns the contents of every shared file matching the pattern
// made of elem (joined onto Dir), failing the test when none matches.
func ReadGlob(tb testing.TB, elem ...string) [][]byte {
	tb.Helper()
	pattern := filepath.Join(append([]string{Dir(tb)}, elem...)...)
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		tb.Fatalf("no shared files match %s", pattern)
	}
	out := make([][]byte, 0, len(files))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}
