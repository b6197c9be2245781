package wal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"path/filepath"
)

// ErrCompacted means the records asked for were deleted by TruncateBefore.
var ErrCompacted = errors.New("wal: records were deleted by retention")

// Record is one record delivered by Follow. Data is valid only until the
// loop body returns: copy it (or decode it into an event, which copies) to
// keep it.
type Record struct {
	Seq  uint64
	Data []byte
}

// Read calls fn for each committed record from sequence number from on
// (from 0: the oldest retained record), in order, and returns fn's first
// error. rec is valid during the call only. Records committed while Read
// runs may or may not be included; Follow waits for them. Reading from
// below the oldest retained record fails with ErrCompacted.
func (l *Log) Read(from uint64, fn func(seq uint64, rec []byte) error) error {
	r := l.NewReader(from)
	defer r.Close()
	return r.ReadCommitted(fn)
}

// Reader reads committed records in order across calls and keeps its
// place in the segment it reads: a follower that polls the log reads each
// record once, where a Read per poll would read the segment again from its
// start to find its place. A Reader is used by one goroutine at a time.
type Reader struct {
	c cursor
}

// NewReader returns a Reader at record from (0: the oldest retained).
// Close it when done.
func (l *Log) NewReader(from uint64) *Reader {
	return &Reader{c: cursor{l: l, seq: from}}
}

// Next is the record the next ReadCommitted starts at (0: the oldest
// retained).
func (r *Reader) Next() uint64 { return r.c.seq }

// Seek moves the reader to record seq, such as back to a record whose
// handling failed; the segment holding it is found at the next read.
func (r *Reader) Seek(seq uint64) {
	if seq == r.c.seq {
		return
	}
	r.c.release()
	r.c.seq = seq
}

// ReadCommitted calls fn for each record committed from Next on, in order,
// and returns fn's first error. A record fn returned an error for counts
// as read: Seek back to it to read it again. Reading from below the oldest
// retained record fails with ErrCompacted.
func (r *Reader) ReadCommitted(fn func(seq uint64, rec []byte) error) error {
	limit, oldest, err := r.c.l.bounds()
	if err != nil {
		return err
	}
	if r.c.seq == 0 {
		r.c.seq = oldest
	}
	if r.c.seq < oldest {
		return fmt.Errorf("wal: read from %d: the oldest retained record is %d: %w", r.c.seq, oldest, ErrCompacted)
	}
	for r.c.seq <= limit {
		seq, rec, err := r.c.next()
		if err != nil {
			return err
		}
		if err := fn(seq, rec); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the segment the reader holds open.
func (r *Reader) Close() { r.c.release() }

// Follow returns an iterator over the records from sequence number from on
// (0: the oldest retained), which waits for new records as they are
// committed: the detector's live feed. It ends after yielding a non-nil
// error, which is ctx.Err() when ctx is done, ErrClosed when the log is
// closed, or what went wrong reading. Record.Data is valid until the loop
// body returns.
//
//	for rec, err := range log.Follow(ctx, next) {
//		if err != nil { ... }
//		... rec.Seq, rec.Data ...
//	}
func (l *Log) Follow(ctx context.Context, from uint64) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		c := cursor{l: l, seq: from}
		defer c.release()
		for {
			l.mu.Lock()
			limit, wake, closed := l.committed, l.notify, l.closed
			oldest := l.segs[0].first
			l.mu.Unlock()
			if c.seq == 0 {
				c.seq = oldest
			}
			for c.seq <= limit {
				seq, rec, err := c.next()
				if err != nil {
					yield(Record{}, err)
					return
				}
				if !yield(Record{Seq: seq, Data: rec}, nil) {
					return
				}
			}
			if closed {
				yield(Record{}, ErrClosed)
				return
			}
			select {
			case <-ctx.Done():
				yield(Record{}, ctx.Err())
				return
			case <-wake:
			}
		}
	}
}

// bounds returns the newest committed and the oldest retained sequence
// numbers.
func (l *Log) bounds() (limit, oldest uint64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, 0, ErrClosed
	}
	return l.committed, l.segs[0].first, nil
}

// cursor reads records in sequence across segments.
type cursor struct {
	l   *Log
	seq uint64     // the next record to return
	seg segment    // the segment r reads
	end uint64     // first record of the segment after seg; 0 while seg was the last
	r   *segReader // nil until the first read
	buf []byte
}

// release closes the segment reader, keeping its buffer for the next.
func (c *cursor) release() {
	if c.r != nil {
		c.buf = c.r.buf
		c.r.close()
		c.r = nil
	}
}

// next returns record c.seq, which the caller knows is committed.
func (c *cursor) next() (uint64, []byte, error) {
	for {
		if c.r == nil || (c.end != 0 && c.seq >= c.end) {
			if err := c.open(); err != nil {
				return 0, nil, err
			}
		}
		rec, err := c.r.next()
		if err == nil {
			c.seq++
			return c.seq - 1, rec, nil
		}
		if !errors.Is(err, io.EOF) {
			return 0, nil, c.unexpected(err)
		}
		if c.end == 0 { // seg was the last; a segment may have been started since
			c.end = c.l.segmentAfter(c.seg.first)
			if c.end == c.seq {
				continue
			}
		}
		return 0, nil, c.unexpected(err)
	}
}

// unexpected turns a short read of a committed record into an error.
func (c *cursor) unexpected(err error) error {
	if err == errShort || errors.Is(err, io.EOF) {
		return &CorruptError{File: c.r.name, Offset: c.r.pos(), Reason: fmt.Sprintf("file ends before record %d", c.seq)}
	}
	return err
}

// open positions the cursor at record c.seq in the segment that holds it.
func (c *cursor) open() error {
	seg, end, ok := c.l.segmentOf(c.seq)
	if !ok {
		return fmt.Errorf("wal: read record %d: %w", c.seq, ErrCompacted)
	}
	c.release()
	r, err := openSegReader(seg.path, c.buf)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("wal: read record %d: %w", c.seq, ErrCompacted)
	}
	if err != nil {
		return fmt.Errorf("wal: open %s: %w", seg.path, err)
	}
	c.r, c.seg, c.end = r, seg, end
	for skip := c.seq - seg.first; skip > 0; skip-- {
		if _, err := r.next(); err != nil {
			return fmt.Errorf("wal: seek to record %d in %s: %w", c.seq, filepath.Base(seg.path), c.unexpected(err))
		}
	}
	return nil
}

// segmentOf returns the segment holding seq and the first record of the
// segment after it (0 if it is the last).
func (l *Log) segmentOf(seq uint64) (segment, uint64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.segs) - 1; i >= 0; i-- {
		if l.segs[i].first <= seq {
			end := uint64(0)
			if i+1 < len(l.segs) {
				end = l.segs[i+1].first
			}
			return l.segs[i], end, true
		}
	}
	return segment{}, 0, false
}

// segmentAfter returns the first record of the segment after the one
// starting at first, or 0.
func (l *Log) segmentAfter(first uint64) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.segs {
		if s.first > first {
			return s.first
		}
	}
	return 0
}
