//go:build !unix

package auth

// lockFile is a no-op where flock is missing: two writers at the same
// moment may lose one change there (the file itself is still replaced
// atomically).
func lockFile(string) (func(), error) { return func() {}, nil }
