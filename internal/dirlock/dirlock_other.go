//go:build !unix

// Package dirlock keeps a second process out of a data directory where the
// platform has flock; elsewhere one process per directory is the
// operator's to ensure.
package dirlock

import "os"

// Lock does nothing where flock is missing.
func Lock(dir, what string) (*os.File, error) { return nil, nil }

// Unlock releases a lock Lock took.
func Unlock(f *os.File) {}
