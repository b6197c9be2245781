// Package atomicfile replaces a file's content in one step: a reader, and
// the file after a crash or power loss, shows the old content or the new,
// never a part of either. Stores use it for the small files they rewrite
// whole (state snapshots, registers, pointers, reports).
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// syncDir is SyncDir; tests replace it to see that a write syncs the
// folder it renamed in, which no file-system call lets them observe.
var syncDir = SyncDir

// Write replaces path with data, mode perm. See WriteFunc.
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc replaces path with what write writes, mode perm: into a
// temporary file beside path, which is fsynced, renamed over path, and
// then the folder fsynced so that the rename itself survives a crash. On
// any failure before the rename the temporary file is removed and path is
// left as it was. write must not keep w after it returns.
func WriteFunc(path string, perm os.FileMode, write func(w io.Writer) error) error {
	// Beside path, so the rename stays in one file system; the dot hides
	// a temporary file a crash leaves behind from folder listings.
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	err = write(tmp)
	if err == nil {
		// CreateTemp makes the file 0600 whatever perm asks for.
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// SyncDir fsyncs the folder dir, making durable the names created,
// renamed or removed in it.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
