package eventstore

import (
	"fmt"
	"log/slog"
	"time"
)

// Defaults of Options.
const (
	DefaultSegmentBytes = 64 << 20
	DefaultSyncEvery    = 10 * time.Second
	minSegmentBytes     = 256
)

// MaxRecordBytes bounds one record, as the write-ahead log does; recovery
// trusts no length above it.
const MaxRecordBytes = 16 << 20

// Options configures a Local store. The zero value keeps everything.
type Options struct {
	// MaxAge expires a segment MaxAge after it was last written, by Now
	// (see summary.ageRef for why not by event time). 0: no age limit.
	MaxAge time.Duration
	// MaxBytes bounds the bytes on disk; the oldest segments go first.
	// 0: no size limit.
	MaxBytes int64
	// SegmentBytes is the size at which a segment is sealed and indexed
	// (DefaultSegmentBytes when 0; at most a quarter of MaxBytes, so that
	// retention has whole segments to delete).
	SegmentBytes int64
	// SyncEvery bounds how long appended records wait for an fsync
	// (DefaultSyncEvery when 0). The write-ahead log keeps them meanwhile.
	SyncEvery time.Duration
	// NoSync skips every fsync: records survive a process crash but not
	// a power loss. For tests only.
	NoSync bool
	// Now is the clock retention measures age against (time.Now when nil).
	Now func() time.Time
	// Logger receives recovery and retention notices (nil: discarded).
	Logger *slog.Logger
}

func (o Options) withDefaults() (Options, error) {
	switch {
	case o.MaxAge < 0:
		return o, fmt.Errorf("eventstore options: MaxAge %v is negative", o.MaxAge)
	case o.MaxBytes < 0:
		return o, fmt.Errorf("eventstore options: MaxBytes %d is negative", o.MaxBytes)
	case o.SegmentBytes < 0:
		return o, fmt.Errorf("eventstore options: SegmentBytes %d is negative", o.SegmentBytes)
	case o.SyncEvery < 0:
		return o, fmt.Errorf("eventstore options: SyncEvery %v is negative", o.SyncEvery)
	}
	if o.SegmentBytes == 0 {
		o.SegmentBytes = DefaultSegmentBytes
	}
	if o.MaxBytes > 0 {
		o.SegmentBytes = min(o.SegmentBytes, o.MaxBytes/4)
	}
	o.SegmentBytes = max(o.SegmentBytes, minSegmentBytes)
	if o.SyncEvery == 0 {
		o.SyncEvery = DefaultSyncEvery
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}
