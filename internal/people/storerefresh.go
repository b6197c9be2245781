package people

import (
	"context"
	"fmt"
)

// Generation returns the generation of the imported data the Store
// serves (Imported.Generation): 0 before any import.
func (s *Store) Generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imports.data.Generation
}

// Refresh takes in an import saved since the Store last read the imported
// data, by another process on the same data folder (vigil people import)
// or another node on the same database: it asks the DataStore for the
// generation, which is cheap, and only when that differs reads the
// imported data, builds the directory and the pulse's workforce over it,
// and swaps them in whole. changed says whether it did. On an error the
// Store goes on serving what it had.
func (s *Store) Refresh(ctx context.Context) (changed bool, err error) {
	s.write.Lock()
	defer s.write.Unlock()
	gen, err := s.ds.ImportGeneration(ctx)
	if err != nil {
		return false, fmt.Errorf("people store: refresh: %w", err)
	}
	if gen == s.Generation() {
		return false, nil
	}
	im, err := s.ds.LoadImported(ctx)
	if err != nil {
		return false, fmt.Errorf("people store: refresh: %w", err)
	}
	built, err := buildImports(im)
	if err != nil {
		return false, fmt.Errorf("refresh: generation %d: %w", im.Generation, err)
	}
	s.swap(built)
	return true, nil
}

// swap makes im what the Store serves.
func (s *Store) swap(im imports) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.imports = im
}
