package files

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Walk calls fn for each regular file under paths: a file as given, a
// folder by its files, recursively, in lexical order, skipping entries
// whose names start with "." inside it (a hidden path given outright is
// read). Paths are taken in the order given, and a file met twice is
// visited once. Symbolic links to files are followed, links to folders
// are not; entries that are not regular files (devices, sockets, broken
// links) are passed over. A missing path is an error naming it, as is a
// folder that cannot be read; an error from fn stops the walk and is
// returned.
func Walk(paths []string, fn func(path string, size int64) error) error {
	seen := make(map[string]bool)
	visit := func(path string, fi os.FileInfo) error {
		key, err := filepath.Abs(path)
		if err != nil {
			key = filepath.Clean(path)
		}
		if seen[key] {
			return nil
		}
		seen[key] = true
		return fn(path, fi.Size())
	}
	for _, root := range paths {
		fi, err := os.Stat(root)
		if err != nil {
			return fmt.Errorf("input %s: %w", root, unwrapPath(err))
		}
		if !fi.IsDir() {
			if err := visit(root, fi); err != nil {
				return err
			}
			continue
		}
		if err := walkDir(root, visit); err != nil {
			return err
		}
	}
	return nil
}

func walkDir(root string, visit func(string, os.FileInfo) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("input %s: %w", path, unwrapPath(err))
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		fi, err := os.Stat(path) // follows a link to its file
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		return visit(path, fi)
	})
}

// unwrapPath drops the path an *fs.PathError repeats, as the message names
// it already.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
