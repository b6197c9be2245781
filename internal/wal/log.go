package wal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/vigilhealth/vigil/internal/atomicfile"
	"github.com/vigilhealth/vigil/internal/dirlock"
)

// ErrClosed is returned by calls on a closed Log.
var ErrClosed = errors.New("wal: log is closed")

// Log is a write-ahead log in one directory. Its methods are safe for
// concurrent use. One process at a time may have a directory open.
type Log struct {
	dir  string
	opts Options
	lock *os.File // holds the directory lock

	mu sync.Mutex // guards the fields below
	// Group commit: Append calls queue in pending; one of them at a time
	// leads, committing everything pending as one batch.
	pending   []*request
	spare     []*request // the previous batch's slice, for reuse
	leading   bool       // a leader is committing
	changed   *sync.Cond // on mu: pending shrank or the leader finished
	closing   bool       // Close has begun: no new appends
	segs      []segment
	committed uint64        // newest durable sequence number
	notify    chan struct{} // closed and replaced on each commit, closed on Close
	closed    bool
	failed    error // sticky: after a failed write or fsync nothing more is appended
	stats     Stats
	// activeBytes mirrors activeSize for Stats.
	activeBytes int64

	// Owned by the leader (and Open before any).
	active     *os.File
	activeSize int64
	next       uint64 // sequence number the next record gets
	buf        []byte

	retentionMu  sync.Mutex // serialises TruncateBefore
	checkpointMu sync.Mutex // serialises SetCheckpoint
}

// request is one Append call waiting for its commit.
type request struct {
	recs        [][]byte
	first, last uint64
	err         error
	lead        bool          // woken to lead rather than with a result
	done        chan struct{} // signalled once: result ready, or lead
}

var requests = sync.Pool{New: func() any { return &request{done: make(chan struct{}, 1)} }}

// Open opens the log in dir, creating the directory if needed, and
// recovers it: a torn tail of the last segment is cut (Stats says what was
// cut, and the logger warns), and a corrupt record is an error naming the
// file and offset. Close the log when done.
func Open(dir string, opts Options) (*Log, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("wal: create %s: %w", dir, err)
	}
	lock, err := dirlock.Lock(dir, "wal:")
	if err != nil {
		return nil, err
	}
	l := &Log{dir: dir, opts: opts, lock: lock, notify: make(chan struct{})}
	l.changed = sync.NewCond(&l.mu)
	if err := l.recover(); err != nil {
		dirlock.Unlock(lock)
		return nil, err
	}
	return l, nil
}

// recover finds the segments, scans the last and opens it for appending.
func (l *Log) recover() error {
	segs, err := listSegments(l.dir)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		seg, err := l.createSegment(1)
		if err != nil {
			return err
		}
		segs = append(segs, seg)
	}
	last := &segs[len(segs)-1]
	t, err := recoverSegment(*last, !l.opts.NoSync)
	if err != nil {
		return err
	}
	if t.torn > 0 {
		name := filepath.Base(last.path)
		l.stats.TornFile, l.stats.TornOffset, l.stats.TornBytes = name, t.end, t.torn
		l.opts.Logger.Warn("wal: cut a torn tail left by a crash", "file", name, "offset", t.end, "bytes", t.torn)
	}
	l.active, err = os.OpenFile(last.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("wal: open %s for appending: %w", last.path, err)
	}
	l.activeSize, l.activeBytes, last.size = t.end, t.end, t.end
	l.next = last.first + t.records
	l.committed = l.next - 1
	l.segs = segs
	return nil
}

// createSegment creates an empty segment and makes its name durable.
func (l *Log) createSegment(first uint64) (segment, error) {
	path := filepath.Join(l.dir, segmentName(first))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return segment{}, fmt.Errorf("wal: create segment: %w", err)
	}
	if err := f.Close(); err != nil {
		return segment{}, fmt.Errorf("wal: create segment %s: %w", path, err)
	}
	return segment{first: first, path: path}, l.syncDir()
}

func (l *Log) syncDir() error {
	if l.opts.NoSync {
		return nil
	}
	if err := atomicfile.SyncDir(l.dir); err != nil {
		return fmt.Errorf("wal: %w", err)
	}
	l.mu.Lock()
	l.stats.Syncs++
	l.mu.Unlock()
	return nil
}

// Close waits for pending appends to be committed, then closes the log.
// Followers stop with ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closing {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closing = true
	l.changed.Broadcast() // appenders waiting for room give up
	for l.leading || len(l.pending) > 0 {
		l.changed.Wait()
	}
	l.mu.Unlock()
	err := l.active.Close()
	if err != nil {
		err = fmt.Errorf("wal: close %s: %w", l.active.Name(), err)
	}
	l.mu.Lock()
	l.closed = true
	close(l.notify)
	l.mu.Unlock()
	dirlock.Unlock(l.lock)
	return err
}

// Stats returns the log's current statistics.
func (l *Log) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stats
	s.First, s.Last = l.segs[0].first, l.committed
	s.Segments = len(l.segs)
	for _, seg := range l.segs[:len(l.segs)-1] {
		s.Bytes += seg.size
	}
	s.Bytes += l.activeBytes
	s.Queued = len(l.pending)
	return s
}
