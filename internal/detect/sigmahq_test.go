package detect

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// sigmaHQDirs are the SigmaHQ rule folders the tests load.
var sigmaHQDirs = []string{"rules", "rules-emerging-threats", "rules-threat-hunting"}

// sigmaHQPaths returns the SigmaHQ rule folders in the shared test data.
func sigmaHQPaths(tb testing.TB) []string {
	tb.Helper()
	var paths []string
	for _, d := range sigmaHQDirs {
		paths = append(paths, sharedtest.Path(tb, "sigma", d))
	}
	return paths
}

// windowsSourcesInSigmaHQ lists the categories and services ("category:x",
// "service:x") of the SigmaHQ rules with product windows. It reads the
// logsource block line by line so that it does not depend on the rule
// parser under test elsewhere.
func windowsSourcesInSigmaHQ(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, root := range sigmaHQPaths(t) {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			ls := scanLogSource(data)
			if ls.Product != "windows" {
				return nil
			}
			if ls.Category != "" {
				seen["category:"+ls.Category] = true
			}
			if ls.Service != "" {
				seen["service:"+ls.Service] = true
			}
			return nil
		})
		if err != nil {
			t.Fatalf("walk %s: %v", root, err)
		}
	}
	if len(seen) < 20 {
		t.Fatalf("found only %d windows log sources in SigmaHQ rules", len(seen))
	}
	return slices.Sorted(func(yield func(string) bool) {
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	})
}

// scanLogSource reads the first logsource block of a rule file.
func scanLogSource(data []byte) sigma.LogSource {
	var ls sigma.LogSource
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if !in {
			in = line == "logsource:"
			continue
		}
		if line == "" || (line[0] != ' ' && line[0] != '\t') {
			break
		}
		key, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		value, _, _ = strings.Cut(value, "#")
		value = strings.Trim(strings.TrimSpace(value), `'"`)
		if !ok {
			continue
		}
		switch key {
		case "product":
			ls.Product = value
		case "category":
			ls.Category = value
		case "service":
			ls.Service = value
		}
	}
	return ls
}

// sharedSigmaHQPaths is sigmaHQPaths for code without a testing.TB.
func sharedSigmaHQPaths() ([]string, error) {
	dir, err := sharedtest.Find()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, d := range sigmaHQDirs {
		paths = append(paths, filepath.Join(dir, "sigma", d))
	}
	return paths, nil
}
