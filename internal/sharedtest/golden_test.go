package sharedtest

import (
	"path/filepath"
	"testing"
)

// TestGolden writes a golden file with update set, then compares against
// it: the same text passes, another text fails, and so does a missing file.
func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "golden", "case.golden")
	Golden(t, path, []byte("one\n"), true)
	Golden(t, path, []byte("one\n"), false)
	tests := []struct {
		name string
		path string
		got  string
	}{
		{"differs", path, "two\n"},
		{"missing", path + ".none", "one\n"},
	}
	for _, tc := range tests {
		rec := &recorder{TB: t}
		func() {
			defer func() { _ = recover() }() // Fatalf ends the call early
			Golden(rec, tc.path, []byte(tc.got), false)
		}()
		if !rec.failed {
			t.Errorf("%s: Golden did not fail", tc.name)
		}
	}
}

// recorder notes failures instead of failing the test; its Fatalf stops
// the caller by panicking.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(string, ...any) { r.failed = true }

func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	panic("fatal")
}
