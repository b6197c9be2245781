package wal

import (
	"fmt"
	"os"
)

// Append writes recs as consecutive records and returns their sequence
// numbers once they are on disk (written and fsynced), so a caller may
// acknowledge them then. Concurrent calls share one write and one fsync.
// Append does not keep recs or their bytes after it returns, and the
// caller must not change them before. With no records it appends nothing
// and returns 0, 0, nil.
//
// After a failed write or fsync the log refuses further appends (the
// state of the file is unknown): reopen it, which recovers. Records of a
// failed call may or may not be there after recovery.
func (l *Log) Append(recs ...[]byte) (first, last uint64, err error) {
	if len(recs) == 0 {
		return 0, 0, nil
	}
	for i, rec := range recs {
		if len(rec) > MaxRecordBytes {
			return 0, 0, fmt.Errorf("wal: append: record %d has %d bytes, over the limit of %d", i, len(rec), MaxRecordBytes)
		}
	}
	req := requests.Get().(*request)
	req.recs = recs
	defer func() {
		*req = request{done: req.done}
		requests.Put(req)
	}()
	l.mu.Lock()
	for len(l.pending) >= l.opts.QueueLen && !l.closing {
		l.changed.Wait() // back-pressure: the queue is full
	}
	if l.closing {
		l.mu.Unlock()
		return 0, 0, ErrClosed
	}
	l.pending = append(l.pending, req)
	if l.leading {
		l.mu.Unlock()
		<-req.done
		if !req.lead {
			return req.first, req.last, req.err
		}
		l.mu.Lock()
	}
	l.leading = true
	l.lead(req)
	return req.first, req.last, req.err
}

// lead commits the pending calls, req among them, as one batch, answers
// them, and hands leadership to the first call that queued meanwhile. A
// lone caller thus writes and fsyncs itself with no hand-off, and under
// load each fsync covers every call that arrived during the previous one.
// Called with l.mu held; returns with it released.
func (l *Log) lead(req *request) {
	batch, size := l.pending, 0
	n := 0
	for n < len(batch) && (n == 0 || size < maxBatchBytes) {
		size += frameBytes(batch[n])
		n++
	}
	l.pending = append(l.spare[:0], batch[n:]...)
	batch = batch[:n]
	l.spare = nil
	l.changed.Broadcast() // room in the queue
	l.mu.Unlock()

	l.commit(batch)
	for _, r := range batch {
		if r != req {
			r.done <- struct{}{}
		}
	}

	l.mu.Lock()
	clear(batch)
	l.spare = batch[:0]
	if len(l.pending) > 0 {
		next := l.pending[0]
		next.lead = true
		next.done <- struct{}{}
	} else {
		l.leading = false
		l.changed.Broadcast() // Close may be waiting
	}
	l.mu.Unlock()
}

func frameBytes(r *request) int {
	n := 0
	for _, rec := range r.recs {
		n += headerBytes + len(rec)
	}
	return n
}

// commit writes a batch, rolling to a new segment where the active one is
// full, and fsyncs it; then it publishes the new records to readers.
func (l *Log) commit(batch []*request) {
	l.mu.Lock()
	err := l.failed
	l.mu.Unlock()
	next := l.next
	records := uint64(0)
	for _, r := range batch {
		if err != nil {
			break
		}
		r.first = next
		for _, rec := range r.recs {
			pending := l.activeSize + int64(len(l.buf))
			if pending > 0 && pending+int64(headerBytes+len(rec)) > l.opts.SegmentBytes {
				if err = l.flush(); err == nil {
					err = l.roll(next)
				}
				if err != nil {
					break
				}
			}
			l.buf = appendFrame(l.buf, rec)
			next++
			records++
		}
		r.last = next - 1
	}
	if err == nil {
		err = l.flush()
	}
	if err != nil {
		l.fail(batch, err)
		return
	}
	l.next = next
	l.mu.Lock()
	l.committed = next - 1
	l.stats.Appends += uint64(len(batch))
	l.stats.Records += records
	l.stats.Batches++
	close(l.notify)
	l.notify = make(chan struct{})
	l.mu.Unlock()
}

// fail answers a batch with err and refuses all later appends.
func (l *Log) fail(batch []*request, err error) {
	l.mu.Lock()
	if l.failed == nil {
		l.failed = fmt.Errorf("wal: appends stopped after a failed write (reopen the log to recover): %w", err)
	}
	err = l.failed
	l.mu.Unlock()
	l.buf = l.buf[:0]
	for _, r := range batch {
		r.first, r.last, r.err = 0, 0, err
	}
}

// flush writes the buffered frames to the active segment and fsyncs it.
func (l *Log) flush() error {
	if len(l.buf) == 0 {
		return nil
	}
	n, err := l.active.Write(l.buf)
	l.activeSize += int64(n)
	if err != nil {
		return fmt.Errorf("wal: write %s at offset %d: %w", l.active.Name(), l.activeSize, err)
	}
	if !l.opts.NoSync {
		if err := l.active.Sync(); err != nil {
			return fmt.Errorf("wal: fsync %s: %w", l.active.Name(), err)
		}
	}
	l.buf = l.buf[:0]
	l.mu.Lock()
	l.activeBytes = l.activeSize
	if !l.opts.NoSync {
		l.stats.Syncs++
	}
	l.mu.Unlock()
	return nil
}

// roll closes the full active segment and starts a new one whose first
// record will be first. The old segment was fsynced by flush.
func (l *Log) roll(first uint64) error {
	if err := l.active.Close(); err != nil {
		return fmt.Errorf("wal: close %s: %w", l.active.Name(), err)
	}
	seg, err := l.createSegment(first)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(seg.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("wal: open %s for appending: %w", seg.path, err)
	}
	l.mu.Lock()
	l.segs[len(l.segs)-1].size = l.activeSize
	l.segs = append(l.segs, seg)
	l.activeBytes = 0
	l.mu.Unlock()
	l.active, l.activeSize = f, 0
	return nil
}
