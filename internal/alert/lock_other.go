//go:build !unix

package alert

import "os"

// lockDir does nothing where flock is missing: one process per store is
// then the operator's to ensure.
func lockDir(dir string) (*os.File, error) { return nil, nil }

func unlockDir(f *os.File) {}
