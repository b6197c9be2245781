//go:build unix

// Package dirlock keeps a second process out of a data directory: an
// exclusive flock on a LOCK file in it, which the kernel drops when the
// process dies, so that a crash never leaves a stale lock behind.
package dirlock

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Lock takes the lock on dir; what names the directory's use in errors
// ("event store"). Unlock releases it.
func Lock(dir, what string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("%s: open lock file in %s: %w", what, dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s %s is in use by another process: %w", what, dir, err)
	}
	return f, nil
}

// Unlock releases a lock Lock took; closing the file releases it.
func Unlock(f *os.File) {
	if f != nil {
		f.Close()
	}
}
