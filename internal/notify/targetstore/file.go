package targetstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/vigilhealth/vigil/internal/atomicfile"
	"github.com/vigilhealth/vigil/internal/storeguard"
)

// The file store's place in the data folder.
const (
	Dir      = "notify"
	FileName = "targets.json"
)

// maxFileBytes bounds targets.json as read: far more than any trust's
// targets, small enough that a wrong file cannot exhaust memory.
const maxFileBytes = 16 << 20

// fileDoc is targets.json.
type fileDoc struct {
	Generation uint64   `json:"generation"`
	Targets    []Target `json:"targets"`
}

// fileStore is the embedded Store: the targets in memory, written whole to
// targets.json at every change.
type fileStore struct {
	path  string
	guard storeguard.Guard
	doc   fileDoc
}

// OpenFile opens (creating its folder) the store of data folder dataDir:
// DIR/notify/targets.json, replaced atomically at every change and
// written with mode 0600, as Teams and Slack URLs carry their secret. A
// malformed file is an error naming it and what is wrong. One process
// writes the file: the service that holds the data folder's lock.
func OpenFile(dataDir string) (Store, error) {
	dir := filepath.Join(dataDir, Dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("notification targets: %w", err)
	}
	f := &fileStore{path: filepath.Join(dir, FileName)}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("notification targets: %w", err)
	}
	if f.doc, err = decodeFile(b); err != nil {
		return nil, fmt.Errorf("notification targets: %s: %w", f.path, err)
	}
	return f, nil
}

// decodeFile reads targets.json, checking every target: a file edited by
// hand into something the console would refuse is refused as well.
func decodeFile(b []byte) (fileDoc, error) {
	var doc fileDoc
	if len(b) > maxFileBytes {
		return doc, fmt.Errorf("larger than %d bytes", maxFileBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return doc, fmt.Errorf("not the JSON of notification targets (byte %d): %w", dec.InputOffset(), err)
	}
	seen := map[string]bool{}
	for i, t := range doc.Targets {
		if err := Check(t); err != nil {
			return doc, fmt.Errorf("targets[%d]: %w", i, err)
		}
		if seen[t.ID] {
			return doc, fmt.Errorf("targets[%d]: id %s is given twice", i, t.ID)
		}
		seen[t.ID] = true
	}
	return doc, nil
}

// use runs fn under the lock unless the store is closed or ctx is done.
func (f *fileStore) use(ctx context.Context, fn func() error) error {
	return f.guard.Do(ctx, ErrClosed, fn)
}

// List implements Store.
func (f *fileStore) List(ctx context.Context) (ts []Target, gen uint64, err error) {
	err = f.use(ctx, func() error {
		ts, gen = cloneTargets(f.doc.Targets), f.doc.Generation
		return nil
	})
	return ts, gen, err
}

// Generation implements Store.
func (f *fileStore) Generation(ctx context.Context) (gen uint64, err error) {
	err = f.use(ctx, func() error {
		gen = f.doc.Generation
		return nil
	})
	return gen, err
}

// Add implements Store.
func (f *fileStore) Add(ctx context.Context, t Target) (gen uint64, err error) {
	if err := Check(t); err != nil {
		return 0, err
	}
	err = f.use(ctx, func() error {
		if slices.ContainsFunc(f.doc.Targets, func(o Target) bool { return o.ID == t.ID }) {
			return fmt.Errorf("notification target %s already exists", t.ID)
		}
		next := fileDoc{Generation: f.doc.Generation + 1, Targets: append(cloneTargets(f.doc.Targets), cloneTarget(t))}
		gen = next.Generation
		return f.save(next)
	})
	return gen, err
}

// Remove implements Store.
func (f *fileStore) Remove(ctx context.Context, id string) (gone Target, gen uint64, err error) {
	err = f.use(ctx, func() error {
		i := slices.IndexFunc(f.doc.Targets, func(o Target) bool { return o.ID == id })
		if i < 0 {
			return ErrNotFound
		}
		gone = f.doc.Targets[i]
		next := fileDoc{Generation: f.doc.Generation + 1, Targets: slices.Delete(cloneTargets(f.doc.Targets), i, i+1)}
		gen = next.Generation
		return f.save(next)
	})
	return gone, gen, err
}

// save writes doc and, once it is durable, makes it the store's. It runs
// under mu.
func (f *fileStore) save(doc fileDoc) error {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("notification targets: encode: %w", err)
	}
	if err := atomicfile.Write(f.path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("notification targets: write %s: %w", f.path, err)
	}
	f.doc = doc
	return nil
}

// Close implements Store.
func (f *fileStore) Close() error {
	return f.guard.Close(nil)
}

func cloneTargets(ts []Target) []Target {
	out := make([]Target, len(ts))
	for i, t := range ts {
		out[i] = cloneTarget(t)
	}
	return out
}

func cloneTarget(t Target) Target {
	t.HeadersEnv = maps.Clone(t.HeadersEnv)
	return t
}
