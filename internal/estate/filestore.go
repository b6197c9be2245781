package estate

import (
	"context"
	"fmt"

	"github.com/vigilhealth/vigil/internal/storeguard"
)

// FileStore is the embedded Store: the data folder's register file
// (RegisterFile, through OpenRegister and SaveRegister) and learned
// assets (LearnedFile, through SaveLearned and LoadLearned), each
// rewritten whole and atomically.
type FileStore struct {
	guard storeguard.Guard
	dir   string
}

var _ Store = (*FileStore)(nil)

// NewFileStore returns the store of the data folder dataDir; files are
// created when first written.
func NewFileStore(dataDir string) *FileStore { return &FileStore{dir: dataDir} }

// use runs fn under the lock unless the store is closed or ctx is done.
func (s *FileStore) use(ctx context.Context, fn func() error) error {
	return s.guard.Do(ctx, ErrClosed, fn)
}

// Register implements Store.
func (s *FileStore) Register(ctx context.Context) (*Register, error) {
	var r *Register
	err := s.use(ctx, func() error {
		var err error
		r, _, err = OpenRegister(s.dir)
		return err
	})
	return r, err
}

// PutRegisterEntries implements Store: the file read, changed and
// written back whole.
func (s *FileStore) PutRegisterEntries(ctx context.Context, es ...RegisterEntry) error {
	es, err := NormaliseEntries(es)
	if err != nil {
		return err
	}
	return s.use(ctx, func() error {
		r, _, err := OpenRegister(s.dir)
		if err != nil {
			return err
		}
		for _, e := range es {
			if old := r.Entry(e.Asset); old != nil {
				*old = e
			} else {
				r.Entries = append(r.Entries, e)
			}
		}
		if err := SaveRegister(s.dir, r); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		return nil
	})
}

// SaveLearned implements Store. The single process is node ""; the
// assets of other nodes go in the same file under their names.
func (s *FileStore) SaveLearned(ctx context.Context, node string, assets []Asset) error {
	return s.use(ctx, func() error { return saveNodeLearned(s.dir, node, assets) })
}

// Learned implements Store.
func (s *FileStore) Learned(ctx context.Context) (assets []Asset, ok bool, err error) {
	err = s.use(ctx, func() error {
		assets, ok, err = LoadLearned(s.dir)
		return err
	})
	return assets, ok, err
}

// Close implements Store.
func (s *FileStore) Close() error {
	return s.guard.Close(nil)
}
