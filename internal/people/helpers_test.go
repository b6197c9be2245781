package people

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readTestdata returns a file of testdata/.
func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// testDirectory reads testdata/staff.csv.
func testDirectory(tb testing.TB) *Directory {
	tb.Helper()
	d, err := ReadStaffCSV(strings.NewReader(string(readTestdata(tb, "staff.csv"))), "staff.csv")
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// day parses a YYYY-MM-DD date in UTC or fails.
func day(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// wantImportError checks err is an *ImportError at line whose text
// contains want.
func wantImportError(t *testing.T, err error, line int, want string) {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want *ImportError", err, err)
	}
	if ie.Line != line || !strings.Contains(ie.Error(), want) {
		t.Fatalf("error %q (line %d), want line %d containing %q", ie.Error(), ie.Line, line, want)
	}
}

// near reports whether a and b differ by less than 1e-9.
func near(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}
