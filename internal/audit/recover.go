package audit

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// files lists the log's files in chain order with the first seq each
// name gives.
func files(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	var names []string
	for _, e := range ents {
		if _, ok := firstSeq(e.Name()); ok && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// firstSeq reads the seq out of a file name made by fileName.
func firstSeq(name string) (uint64, bool) {
	s, ok := strings.CutPrefix(name, "audit-")
	if !ok {
		return 0, false
	}
	if s, ok = strings.CutSuffix(s, ".jsonl"); !ok || len(s) != 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// recover finds the chain's head: the last complete entry of the newest
// file that has one. A torn last line (bytes after the last newline) is
// cut off and logged; a damaged complete line is an error, since only
// Verify may judge the middle of the log.
func (l *Log) recover() error {
	names, err := files(l.dir)
	if err != nil {
		return err
	}
	for i := len(names) - 1; i >= 0; i-- {
		path := filepath.Join(l.dir, names[i])
		last, size, err := l.lastLine(path)
		if err != nil {
			return err
		}
		if i == len(names)-1 {
			if err := l.openActive(path, size); err != nil {
				return err
			}
		}
		if last == nil {
			continue // empty file: the head is in an older one
		}
		e, err := decodeLine(last)
		if err != nil {
			return fmt.Errorf("audit: the last entry of %s is damaged (%v): run vigil audit verify, and move the file aside to start a new chain", path, err)
		}
		l.seq, l.prev = e.Seq, e.Hash
		return nil
	}
	return nil
}

// lastLine returns the last complete line of path (nil when it has none)
// and the file's size after cutting off a torn tail.
func (l *Log) lastLine(path string) ([]byte, int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("audit: %w", err)
	}
	end := bytes.LastIndexByte(data, '\n') + 1
	if end < len(data) {
		l.opts.Logger.Warn("audit: dropped a torn last line left by a crash", "file", path, "offset", end, "bytes", len(data)-end)
		if err := os.Truncate(path, int64(end)); err != nil {
			return nil, 0, fmt.Errorf("audit: cut the torn tail of %s: %w", path, err)
		}
	}
	data = data[:end]
	if len(data) == 0 {
		return nil, 0, nil
	}
	start := bytes.LastIndexByte(data[:len(data)-1], '\n') + 1
	return data[start : len(data)-1], int64(end), nil
}

// openActive opens the newest file for appending.
func (l *Log) openActive(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if err := f.Sync(); err != nil { // makes a cut-off torn tail durable
		f.Close()
		return fmt.Errorf("audit: fsync %s: %w", path, err)
	}
	l.f, l.size = f, size
	return nil
}
