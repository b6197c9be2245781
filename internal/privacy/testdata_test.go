package privacy

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var update = flag.Bool("update", false, "rewrite the files in testdata/trust")

// TestTrustTestdata keeps testdata/trust, which the command's end-to-end
// test reads, the same as the trust the package tests build; run with
// -update to rewrite it.
func TestTrustTestdata(t *testing.T) {
	dir := t.TempDir()
	testTrust(t, dir)
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sharedtest.Golden(t, filepath.Join("testdata", "trust", rel), got, *update)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
