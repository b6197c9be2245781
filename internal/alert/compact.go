package alert

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
)

const (
	// compactSuffix names the file a compaction writes before renaming it
	// over the log; Open removes one an interrupted compaction left.
	compactSuffix = ".compact"
	// compactChunk is how many items a compacted record holds, so that no
	// record grows with the state.
	compactChunk = 1000
)

// compactFloor is the log size below which it is never compacted, so that
// a small store is not rewritten every few commits. Tests lower it.
var compactFloor int64 = 1 << 20

// maybeCompact compacts the log once it is more than four times the live
// state. The caller holds wmu.
func (s *FileStore) maybeCompact() error {
	s.mu.RLock()
	live := s.live
	s.mu.RUnlock()
	if s.stats.LogBytes <= compactFloor || s.stats.LogBytes <= 4*live {
		return nil
	}
	if err := s.compact(); err != nil {
		return fmt.Errorf("alert: the commit is durable, but compacting %s failed: %w", s.path, err)
	}
	return nil
}

// compact writes the state to a new file, fsyncs it, renames it over the
// log and fsyncs the directory: a crash at any point leaves either the old
// log or the new one whole.
func (s *FileStore) compact() error {
	tmp := s.path + compactSuffix
	size, err := s.writeSnapshot(tmp)
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, s.path); err != nil {
		os.Remove(tmp)
		return err
	}
	// From here the old file is gone: failing to switch to the new one
	// leaves no log to append to.
	err = syncDir(s.dir)
	var f *os.File
	if err == nil {
		f, err = os.OpenFile(s.path, os.O_RDWR, 0)
	}
	if err == nil {
		_, err = f.Seek(size, io.SeekStart)
	}
	if err != nil {
		s.failed = fmt.Errorf("alert: switch to compacted %s: %w: reopen the store", s.path, err)
		return s.failed
	}
	s.f.Close()
	s.f = f
	s.stats.LogBytes = size
	s.stats.Compactions++
	return nil
}

// writeSnapshot writes the whole state as commit records to path and
// fsyncs it, returning its size.
func (s *FileStore) writeSnapshot(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	s.mu.RLock()
	size, err := s.snapshotTo(w)
	s.mu.RUnlock()
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = fsync(f)
	}
	if err == nil {
		err = f.Close()
	}
	return size, err
}

// snapshotTo writes the state in records of at most compactChunk items,
// alerts then incidents, each by ID, every record carrying the position.
// The caller holds mu for reading.
func (s *FileStore) snapshotTo(w io.Writer) (int64, error) {
	alerts, err := encodeAll(s.alerts)
	if err != nil {
		return 0, err
	}
	incidents, err := encodeAll(s.incidents)
	if err != nil {
		return 0, err
	}
	var size int64
	var frame []byte
	for first := true; first || len(alerts)+len(incidents) > 0; first = false {
		na := min(len(alerts), compactChunk)
		ni := min(len(incidents), compactChunk-na)
		frame = appendFrame(frame[:0], encodeRecord(s.pos, alerts[:na], incidents[:ni]))
		alerts, incidents = alerts[na:], incidents[ni:]
		if _, err := w.Write(frame); err != nil {
			return size, err
		}
		size += int64(len(frame))
	}
	return size, nil
}

func encodeAll[T any](m map[string]stored[T]) ([]json.RawMessage, error) {
	ids := slices.Sorted(mapKeys(m))
	out := make([]json.RawMessage, len(ids))
	for i, id := range ids {
		b, err := json.Marshal(m[id].v)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", id, err)
		}
		out[i] = b
	}
	return out, nil
}
