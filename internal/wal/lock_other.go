//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package wal

import "os"

// lockDir does nothing where flock is unavailable: there, one process per
// directory is the operator's responsibility.
func lockDir(dir string) (*os.File, error) { return nil, nil }

func unlockDir(f *os.File) {}
