package eventstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/atomicfile"
	"github.com/vigilhealth/vigil/internal/dirlock"
)

// Local is the embedded Store: segment files in one directory (see the
// package documentation). Its methods are safe for concurrent use; one
// process at a time may open a directory for writing, and any number
// read-only beside it.
type Local struct {
	dir      string
	opts     Options
	readOnly bool
	lock     *os.File

	mu       sync.Mutex
	sealed   []*segInfo // oldest first
	act      *active    // the segment being appended to; nil read-only
	pos      uint64     // highest Seq stored
	durable  uint64     // highest Seq fsynced
	lastSync time.Time
	buf      []byte // frames of the Append in progress
	closed   bool
	failed   error // sticky: after a failed write the segment's state is unknown
	tail     *tailState
}

// segInfo is a sealed segment, or in a read-only store one being written.
type segInfo struct {
	base uint64
	path string
	sum  summary
	info *indexInfo // nil: no index (a search scans it whole)
}

// active is the segment Append writes to.
type active struct {
	base uint64
	path string
	f    *os.File
	size int64
	b    *indexBuilder
}

// Open opens the store in dir for reading and writing, creating dir if
// needed, and recovers it after a crash: it cuts a torn tail from the last
// segment, rebuilds missing or damaged indexes, and applies retention.
// Close the store when done.
func Open(dir string, opts Options) (*Local, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("eventstore: create %s: %w", dir, err)
	}
	lock, err := dirlock.Lock(dir, "event store")
	if err != nil {
		return nil, err
	}
	l := &Local{dir: dir, opts: opts, lock: lock, lastSync: time.Now()}
	if err := l.recover(); err != nil {
		dirlock.Unlock(lock)
		return nil, err
	}
	if err := l.retainLocked(); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Append implements Store.
func (l *Local) Append(ctx context.Context, recs []Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.writable(); err != nil {
		return err
	}
	sealed := false
	l.buf = l.buf[:0]
	for _, r := range recs {
		if r.Seq <= l.pos {
			continue
		}
		if len(r.Data) > MaxRecordBytes {
			return fmt.Errorf("eventstore: record %d of %d bytes exceeds %d", r.Seq, len(r.Data), MaxRecordBytes)
		}
		if l.act.size+int64(len(l.buf)+frameHeader+len(r.Data)) > l.opts.SegmentBytes && l.act.b.sum.count+int64(len(l.buf)) > 0 {
			if err := l.flush(); err != nil {
				return err
			}
			if err := l.seal(); err != nil {
				return err
			}
			sealed = true
		}
		l.buf = appendFrame(l.buf, r.Seq, r.Data)
		l.act.b.add(r.Seq, r.Data)
		l.pos = r.Seq
	}
	if err := l.flush(); err != nil {
		return err
	}
	l.act.b.sum.written = l.opts.Now()
	if time.Since(l.lastSync) >= l.opts.SyncEvery {
		if err := l.syncActive(); err != nil {
			return err
		}
	}
	if sealed {
		return l.retainLocked()
	}
	return nil
}

// flush writes the pending frames with one write.
func (l *Local) flush() error {
	if len(l.buf) == 0 {
		return nil
	}
	n, err := l.act.f.Write(l.buf)
	l.act.size += int64(n)
	l.act.b.sum.bytes = l.act.size
	l.buf = l.buf[:0]
	if err != nil {
		l.failed = fmt.Errorf("eventstore: write %s: %w", filepath.Base(l.act.path), err)
		return l.failed
	}
	return nil
}

func (l *Local) syncActive() error {
	l.lastSync = time.Now()
	if !l.opts.NoSync {
		if err := l.act.f.Sync(); err != nil {
			l.failed = fmt.Errorf("eventstore: sync %s: %w", filepath.Base(l.act.path), err)
			return l.failed
		}
	}
	l.durable = l.pos
	return nil
}

// writable reports why the store cannot be written, if it cannot.
func (l *Local) writable() error {
	switch {
	case l.closed:
		return ErrClosed
	case l.readOnly:
		return ErrReadOnly
	}
	return l.failed
}

// seal finishes the active segment (fsync, index) and starts the next.
func (l *Local) seal() error {
	a := l.act
	if err := l.syncActive(); err != nil {
		return err
	}
	if err := a.f.Close(); err != nil {
		l.failed = fmt.Errorf("eventstore: close %s: %w", filepath.Base(a.path), err)
		return l.failed
	}
	a.b.sum.sealed = a.b.sum.written // its age runs from its last write
	if a.b.sum.sealed.IsZero() {
		a.b.sum.sealed = l.opts.Now()
	}
	info, err := l.writeIndexFor(a.path, a.b)
	if err != nil {
		l.failed = err
		return err
	}
	l.sealed = append(l.sealed, &segInfo{base: a.base, path: a.path, sum: a.b.sum, info: info})
	if err := l.startSegment(l.pos + 1); err != nil {
		l.failed = err
		return err
	}
	return nil
}

// writeIndexFor writes the index of a segment and returns its header.
func (l *Local) writeIndexFor(segPath string, b *indexBuilder) (*indexInfo, error) {
	idx := indexPath(segPath)
	data := encodeIndex(b.sum, b.f)
	if err := writeIndex(idx, data, !l.opts.NoSync); err != nil {
		return nil, err
	}
	return readIndexInfo(idx)
}

// startSegment creates an empty segment for records from base on and
// makes it the active one.
func (l *Local) startSegment(base uint64) error {
	path := filepath.Join(l.dir, segmentName(base))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("eventstore: create segment: %w", err)
	}
	if _, err := f.WriteString(segmentMagic); err != nil {
		f.Close()
		return fmt.Errorf("eventstore: write %s: %w", filepath.Base(path), err)
	}
	b := newIndexBuilder(l.opts.SegmentBytes, true)
	b.sum.bytes = int64(len(segmentMagic))
	l.act = &active{base: base, path: path, f: f, size: int64(len(segmentMagic)), b: b}
	return l.syncDir()
}

func (l *Local) syncDir() error {
	if l.opts.NoSync {
		return nil
	}
	if err := atomicfile.SyncDir(l.dir); err != nil {
		return fmt.Errorf("eventstore: %w", err)
	}
	return nil
}

// Position implements Store.
func (l *Local) Position(ctx context.Context) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, ErrClosed
	}
	if l.readOnly {
		if err := l.refresh(); err != nil {
			return 0, err
		}
	}
	return l.pos, nil
}

// Stats implements Store.
func (l *Local) Stats(ctx context.Context) (Stats, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return Stats{}, ErrClosed
	}
	if l.readOnly {
		if err := l.refresh(); err != nil {
			return Stats{}, err
		}
	}
	st := Stats{Position: l.pos, Durable: l.durable, Segments: len(l.sealed)}
	sums := make([]*summary, 0, len(l.sealed)+1)
	for _, s := range l.sealed {
		sums = append(sums, &s.sum)
		if s.info != nil {
			st.Bytes += s.info.fileBytes()
		}
	}
	if l.act != nil {
		sums = append(sums, &l.act.b.sum)
		st.Segments++
	}
	if l.tail != nil {
		sums = append(sums, &l.tail.b.sum)
		st.Segments++
	}
	for _, s := range sums {
		st.Events += s.count
		st.Bytes += s.bytes
		if !s.oldest.IsZero() && (st.Oldest.IsZero() || s.oldest.Before(st.Oldest)) {
			st.Oldest = s.oldest
		}
		if s.newest.After(st.Newest) {
			st.Newest = s.newest
		}
	}
	return st, nil
}

// Close implements Store: it fsyncs what was appended and releases the
// directory.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	l.closed = true
	var err error
	if l.act != nil {
		if l.failed == nil {
			err = l.syncActive()
		}
		if cerr := l.act.f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("eventstore: close %s: %w", filepath.Base(l.act.path), cerr)
		}
	}
	dirlock.Unlock(l.lock)
	return err
}
