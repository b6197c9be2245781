package rules_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/rules"
)

// TestEmbeddedPackMatchesDisk checks that FS holds exactly the rule files on
// disk, byte for byte, so the binary ships what the tests test.
func TestEmbeddedPackMatchesDisk(t *testing.T) {
	embedded := ruleFiles(t, rules.FS, ".")
	var disk []string
	for _, dir := range packDirs {
		disk = append(disk, ruleFiles(t, os.DirFS("."), dir)...)
	}
	slices.Sort(embedded)
	slices.Sort(disk)
	if !slices.Equal(embedded, disk) {
		t.Fatalf("embedded files %v\ndiffer from files on disk %v", embedded, disk)
	}
	for _, p := range disk {
		a, err1 := fs.ReadFile(rules.FS, p)
		b, err2 := os.ReadFile(filepath.FromSlash(p))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: embedded copy differs from disk (%v, %v)", p, err1, err2)
		}
	}
	if len(disk) == 0 {
		t.Fatal("no rule files found")
	}
}

// ruleFiles lists the YAML files under root in fsys.
func ruleFiles(t *testing.T, fsys fs.FS, root string) []string {
	t.Helper()
	var out []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	return out
}

// TestTestdataEventsAreWellFormed reads every event file of the pack's
// testdata: each event must carry the System fields every Windows parser
// produces, so that the rules are tested on events shaped like real ones.
func TestTestdataEventsAreWellFormed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata event files (%v)", err)
	}
	system := []event.FieldID{event.Channel, event.EventID, event.Provider, event.Computer, event.RecordID, event.TimeCreated}
	for _, f := range files {
		for _, ev := range readEvents(t, f) {
			for _, id := range system {
				if v, ok := ev.Get(id); !ok || v == "" {
					t.Errorf("%s:%d: %s is missing", f, ev.Record, id)
				}
			}
			if ev.Time.IsZero() || ev.Host == "" {
				t.Errorf("%s:%d: time %v host %q", f, ev.Record, ev.Time, ev.Host)
			}
		}
	}
}

// TestExpectedResultsParse checks each correlation's expected.json.
func TestExpectedResultsParse(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "expected.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no expected.json files (%v)", err)
	}
	for _, f := range files {
		if _, err := readExpected(f); err != nil {
			t.Error(err)
		}
	}
}

// TestEmbeddedPackLoads loads the pack as the binary does, from FS, and
// builds every correlation over it: nothing may be refused.
func TestEmbeddedPackLoads(t *testing.T) {
	set := sigma.LoadFS(rules.FS, "vigil-rules", sigma.Options{})
	for _, r := range set.Refused {
		t.Errorf("refused: %v", r)
	}
	if want := loadPack(t); len(set.Rules) != len(want.Rules) || len(set.Correlations) != len(want.Correlations) {
		t.Errorf("from FS: %d rules and %d correlations; from disk: %d and %d",
			len(set.Rules), len(set.Correlations), len(want.Rules), len(want.Correlations))
	}
	if _, err := correlate.New(set.Rules, set.Correlations); err != nil {
		t.Errorf("correlate.New refuses: %v", err)
	}
}
