package estate_test

import (
	"context"
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
