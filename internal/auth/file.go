package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/vigilhealth/vigil/internal/atomicfile"
)

// watched is a file that the service reads and another process may
// replace at any time: current re-reads it when it changed (another file
// renamed over it, or its size or time changed) and otherwise returns what
// it read last. A missing file reads as parse(nil).
type watched[T any] struct {
	path  string
	parse func([]byte) (T, error)

	mu   sync.Mutex
	info fs.FileInfo // nil until read, or when missing
	val  T
	read bool
}

// current returns the file's parsed contents, reading it again if it
// changed since the last call. A file that fails to parse keeps the last
// good contents and returns the error, so that a bad edit does not lock
// everyone out; the caller logs it.
func (w *watched[T]) current() (T, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	info, err := os.Stat(w.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if w.info != nil || !w.read {
			w.info, w.read = nil, true
			w.val, err = w.parse(nil)
			return w.val, err
		}
		return w.val, nil
	case err != nil:
		return w.val, fmt.Errorf("%s: %w", w.path, err)
	}
	if w.read && w.info != nil && os.SameFile(info, w.info) && info.Size() == w.info.Size() && info.ModTime().Equal(w.info.ModTime()) {
		return w.val, nil
	}
	data, err := os.ReadFile(w.path)
	if err != nil {
		return w.val, fmt.Errorf("%s: %w", w.path, err)
	}
	v, err := w.parse(data)
	if err != nil {
		return w.val, fmt.Errorf("%s: %w", w.path, err)
	}
	w.val, w.info, w.read = v, info, true
	return v, nil
}

// update changes the file under an advisory lock shared by the processes
// that write it (never held by readers): it reads and parses the file,
// lets change alter the value, and replaces the file atomically with
// encode's bytes.
func update[T any](path string, parse func([]byte) (T, error), encode func(T) ([]byte, error), change func(*T) error) error {
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	defer unlock()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	v, err := parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := change(&v); err != nil {
		return err
	}
	out, err := encode(v)
	if err != nil {
		return err
	}
	return writeAtomic(path, out)
}

// writeAtomic replaces path with data, readable by its owner alone, so
// that a reader sees the old file or the new one, never a part.
func writeAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data, 0o600)
}
