package wal

import (
	"fmt"
	"log/slog"
)

// DefaultSegmentBytes is the segment size used when Options leaves it zero.
const DefaultSegmentBytes = 64 << 20

// MaxRecordBytes bounds one record. Recovery trusts no length above it, so
// a corrupt length field cannot make it read gigabytes.
const MaxRecordBytes = 16 << 20

// DefaultQueueLen is the number of Append calls that may wait for a
// commit before further callers block.
const DefaultQueueLen = 1024

// maxBatchBytes bounds what one commit writes, so that one huge batch does
// not delay the callers queued behind it for long.
const maxBatchBytes = 8 << 20

// Options configures a Log. The zero value is ready to use.
//
// There is no sync interval: group commit batches by itself, since the
// calls that arrive while one fsync runs are committed together by the
// next, and a timer would only add latency to an idle log.
type Options struct {
	// SegmentBytes is the size at which a new segment is started
	// (DefaultSegmentBytes when zero). Retention deletes whole segments.
	SegmentBytes int64
	// QueueLen bounds the Append calls waiting to be committed
	// (DefaultQueueLen when zero); beyond it, Append blocks.
	QueueLen int
	// NoSync skips every fsync. Records then survive a process crash but
	// not a power loss. For tests only.
	NoSync bool
	// Logger receives recovery warnings (nil: discarded).
	Logger *slog.Logger
}

func (o Options) withDefaults() (Options, error) {
	if o.SegmentBytes == 0 {
		o.SegmentBytes = DefaultSegmentBytes
	}
	if o.SegmentBytes < 0 {
		return o, fmt.Errorf("wal options: SegmentBytes %d is negative", o.SegmentBytes)
	}
	if o.QueueLen == 0 {
		o.QueueLen = DefaultQueueLen
	}
	if o.QueueLen < 0 {
		return o, fmt.Errorf("wal options: QueueLen %d is negative", o.QueueLen)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// Stats describes a log. First and Last bound the records held; Last is
// First-1 when the log is empty.
type Stats struct {
	First, Last uint64 // oldest retained and newest committed sequence numbers
	Segments    int    // segment files
	Bytes       int64  // bytes in all segments

	Appends uint64 // Append calls committed
	Records uint64 // records committed
	Batches uint64 // commits (one write and one fsync each)
	Syncs   uint64 // fsyncs of segments and of the directory
	Queued  int    // Append calls waiting for a commit now

	// What Open cut from the end of the last segment as a torn tail.
	TornFile   string // segment file name, "" when nothing was cut
	TornOffset int64  // byte offset where the cut started
	TornBytes  int64  // bytes cut
}
