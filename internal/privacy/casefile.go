package privacy

import (
	"context"
	"fmt"
	"os"

	"github.com/vigilhealth/vigil/internal/storeguard"
)

// CaseFile is the embedded CaseStore: CasesFile in a state folder (StateDir
// in the data folder), replaced atomically by each save, as Live.SaveCases
// keeps it and LoadSummary reads it.
type CaseFile struct {
	guard storeguard.Guard
	dir   string
}

var _ CaseStore = (*CaseFile)(nil)

// NewCaseFile returns the case store of the state folder dir, created at
// the first save.
func NewCaseFile(dir string) *CaseFile { return &CaseFile{dir: dir} }

func (f *CaseFile) use(ctx context.Context, fn func() error) error {
	return f.guard.Do(ctx, ErrClosed, fn)
}

// SaveCases implements CaseStore.
func (f *CaseFile) SaveCases(ctx context.Context, sc *SavedCases) error {
	return f.use(ctx, func() error {
		if err := os.MkdirAll(f.dir, 0o700); err != nil {
			return fmt.Errorf("privacy state folder: %w", err)
		}
		return saveCases(f.dir, sc)
	})
}

// LoadCases implements CaseStore.
func (f *CaseFile) LoadCases(ctx context.Context) (*SavedCases, error) {
	var sc *SavedCases
	err := f.use(ctx, func() error {
		var err error
		sc, err = loadCases(f.dir)
		return err
	})
	return sc, err
}

// Close implements CaseStore.
func (f *CaseFile) Close() error {
	return f.guard.Close(nil)
}
