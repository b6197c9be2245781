package wal

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// TruncateBefore deletes the segments whose records all precede seq:
// retention, typically up to the lowest consumer checkpoint. It deletes
// whole segments only, oldest first, and never the active one, so some
// records before seq may remain. Readers positioned in a deleted segment
// finish it; reading from a deleted record fails with ErrCompacted.
func (l *Log) TruncateBefore(seq uint64) error {
	l.retentionMu.Lock()
	defer l.retentionMu.Unlock()
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	n := 0
	for n+1 < len(l.segs) && l.segs[n+1].first <= seq {
		n++
	}
	victims := slices.Clone(l.segs[:n])
	l.segs = slices.Delete(l.segs, 0, n)
	l.mu.Unlock()
	if n == 0 {
		return nil
	}
	// Oldest first: a crash part-way leaves the log contiguous.
	for _, v := range victims {
		if err := os.Remove(v.path); err != nil {
			return fmt.Errorf("wal: delete segment %s: %w", filepath.Base(v.path), err)
		}
	}
	return l.syncDir()
}
