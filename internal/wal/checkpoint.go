package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
)

const (
	checkpointExt = ".ckpt"
	tmpExt        = ".tmp"
	maxNameLen    = 64
)

// SetCheckpoint durably records seq as consumer name's position: the first
// record it has not finished. The file is written aside, fsynced and
// renamed over the old one, and the directory fsynced, so a crash leaves
// either the old position or the new, never a mix. Names are 1 to 64
// letters, digits, '-' or '_'. See the package documentation for how a
// consumer avoids processing a record twice.
func (l *Log) SetCheckpoint(name string, seq uint64) error {
	if err := checkName(name); err != nil {
		return err
	}
	l.checkpointMu.Lock()
	defer l.checkpointMu.Unlock()
	var b [12]byte
	binary.LittleEndian.PutUint64(b[:8], seq)
	binary.LittleEndian.PutUint32(b[8:], crc32.Checksum(b[:8], castagnoli))
	path := filepath.Join(l.dir, name+checkpointExt)
	tmp := path + tmpExt
	if err := l.writeFile(tmp, b[:]); err != nil {
		return fmt.Errorf("wal: set checkpoint %q: %w", name, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("wal: set checkpoint %q: %w", name, err)
	}
	return l.syncDir()
}

// Checkpoint returns consumer name's position as last set, or 0 when it
// has none (Read and Follow from 0 start at the oldest record).
func (l *Log) Checkpoint(name string) (uint64, error) {
	if err := checkName(name); err != nil {
		return 0, err
	}
	path := filepath.Join(l.dir, name+checkpointExt)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("wal: read checkpoint: %w", err)
	}
	if len(b) != 12 || binary.LittleEndian.Uint32(b[8:]) != crc32.Checksum(b[:8], castagnoli) {
		return 0, fmt.Errorf("wal: checkpoint %s is damaged (%d bytes, checksum fails): %w", filepath.Base(path), len(b), ErrCorrupt)
	}
	return binary.LittleEndian.Uint64(b[:8]), nil
}

func (l *Log) writeFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil && !l.opts.NoSync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func checkName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return fmt.Errorf("wal: checkpoint name %q must have 1 to %d characters", name, maxNameLen)
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("wal: checkpoint name %q: only letters, digits, '-' and '_' are allowed", name)
		}
	}
	return nil
}
