package people

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
)

// fileData is the DataStore of a Store's folder: the same files, written
// as Store writes them, and Store's own state kept in step, so that a
// Store and its DataStore may be used side by side.
type fileData struct {
	s      *Store
	mu     sync.Mutex
	closed bool
}

var _ DataStore = (*fileData)(nil)

// DataStore returns the store's files as a DataStore. Its Close closes the
// Store.
func (s *Store) DataStore() DataStore { return &fileData{s: s} }

// use runs fn unless the store is closed or ctx is done.
func (f *fileData) use(ctx context.Context, fn func() error) error {
	f.mu.Lock()
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fn()
}

func (f *fileData) LoadImported(ctx context.Context) (im Imported, err error) {
	err = f.use(ctx, func() error { im = f.s.Imported(); return nil })
	return im, err
}

// SaveImported writes imported.json as Import does, the directory and
// pulse rebuilt over it.
func (f *fileData) SaveImported(ctx context.Context, im Imported) error {
	return f.use(ctx, func() error {
		s := f.s
		s.mu.Lock()
		defer s.mu.Unlock()
		path := filepath.Join(s.dir, importedFile)
		prev, prevDir, prevPulse := s.imported, s.directory, s.pulse
		if err := s.useImported(im, path); err != nil {
			return err
		}
		if err := writeJSONFile(path, im); err != nil {
			s.imported, s.directory, s.pulse = prev, prevDir, prevPulse
			return err
		}
		return nil
	})
}

func (f *fileData) AddReport(ctx context.Context, r Report) (id string, err error) {
	err = f.use(ctx, func() error {
		id, err = f.s.AddReport(ctx, r)
		return err
	})
	return id, err
}

func (f *fileData) ListReports(ctx context.Context) (rs []Report, err error) {
	err = f.use(ctx, func() error { rs = f.s.Reports(); return nil })
	return rs, err
}

func (f *fileData) AddGuidance(ctx context.Context, m Message) error {
	return f.use(ctx, func() error { return f.s.RecordGuidance(m) })
}

func (f *fileData) ListGuidance(ctx context.Context) (ms []Message, err error) {
	err = f.use(ctx, func() error { ms = f.s.Guidance(); return nil })
	return ms, err
}

// AddPulseCount rewrites pulse.json with c added to its cell, as
// SubmitPulse does, and adds it to the pulse when there is one.
func (f *fileData) AddPulseCount(ctx context.Context, c PulseCount) error {
	if err := c.Check(); err != nil {
		return err
	}
	return f.use(ctx, func() error {
		s := f.s
		s.mu.Lock()
		defer s.mu.Unlock()
		counts := addCount(s.counts, c)
		doc := struct {
			Counts []PulseCount `json:"counts"`
		}{counts}
		if err := writeJSONFile(filepath.Join(s.dir, pulseFile), doc); err != nil {
			return err
		}
		s.counts = counts
		if s.pulse != nil {
			s.pulse.add(c.Round, cell{c.Group, c.Site}, cellTally{n: c.Respondents, answered: c.Answered, positive: c.Positive})
		}
		return nil
	})
}

func (f *fileData) PulseCounts(ctx context.Context) (cs []PulseCount, err error) {
	err = f.use(ctx, func() error {
		f.s.mu.Lock()
		defer f.s.mu.Unlock()
		cs = slices.Clone(f.s.counts)
		return nil
	})
	return cs, err
}

func (f *fileData) PulseKey(ctx context.Context) (key []byte, err error) {
	err = f.use(ctx, func() error { key = slices.Clone(f.s.key); return nil })
	return key, err
}

// Close closes the Store.
func (f *fileData) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	return f.s.Close()
}
