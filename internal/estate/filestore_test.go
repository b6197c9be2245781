package estate_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/estate/estatetest"
)

func TestFileStore(t *testing.T) {
	estatetest.Run(t, func(t *testing.T, dir string) estate.Store { return estate.NewFileStore(dir) })
}

// TestFileStoreSharesRegisterFile: what the store puts, the register file
// that vigil estate register and the board pack read holds, and the other
// way round.
func TestFileStoreSharesRegisterFile(t *testing.T) {
	dir := t.TempDir()
	if err := estate.SaveRegister(dir, &estate.Register{Entries: []estate.RegisterEntry{{Asset: "PACS-01", Owner: "Imaging"}}}); err != nil {
		t.Fatal(err)
	}
	s := estate.NewFileStore(dir)
	defer s.Close()
	if err := s.PutRegisterEntries(context.Background(), estate.RegisterEntry{Asset: "LAB-PC7"}); err != nil {
		t.Fatal(err)
	}
	r, ok, err := estate.OpenRegister(dir)
	if err != nil || !ok || len(r.Entries) != 2 || r.Entries[0].Owner != "Imaging" || r.Entries[1].Asset != "LAB-PC7" {
		t.Fatalf("register file after a put: %+v, %v, %v", r, ok, err)
	}
}

// TestLearnedFileNodes: the file the single process has always written
// (its assets alone) reads as node ""; a node's save through the store
// keeps them, and the single process's next save keeps the node's.
func TestLearnedFileNodes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, filepath.FromSlash(estate.LearnedFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	old := `{"assets":[{"Name":"WARD9-PC","OS":"Windows","OSVersion":"6.1.7601","Sources":["events"]}]}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s := estate.NewFileStore(dir)
	defer s.Close()
	if err := s.SaveLearned(context.Background(), "det-1", []estate.Asset{{Name: "DC01"}}); err != nil {
		t.Fatal(err)
	}
	if err := estate.SaveLearned(dir, []estate.Asset{{Name: "WARD9-PC", OSVersion: "6.1.7601"}, {Name: "LAB-PC1"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		read func() ([]estate.Asset, bool, error)
	}{
		{"LoadLearned", func() ([]estate.Asset, bool, error) { return estate.LoadLearned(dir) }},
		{"FileStore.Learned", func() ([]estate.Asset, bool, error) { return s.Learned(context.Background()) }},
	}
	for _, tc := range tests {
		got, ok, err := tc.read()
		var names []string
		for _, a := range got {
			names = append(names, a.Name)
		}
		if err != nil || !ok || !slices.Equal(names, []string{"WARD9-PC", "LAB-PC1", "DC01"}) {
			t.Errorf("%s: %v %v %v, want WARD9-PC, LAB-PC1 (node \"\") then DC01 (det-1)", tc.name, names, ok, err)
		}
	}
}
