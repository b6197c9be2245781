package eventstore

import (
	"context"
	"errors"
	"time"
)

// Record is one event as the write-ahead log holds it: the log's sequence
// number and the bytes of event.AppendBinary.
type Record struct {
	Seq  uint64
	Data []byte
}

// Store keeps events for search. Its methods are safe for concurrent use.
type Store interface {
	// Append stores recs, in order. It is idempotent by Seq: a record at or
	// below Position is ignored, so that a restart may replay the log from
	// an earlier point. Sequence numbers may have gaps. Append does not keep
	// recs or their Data after it returns. A stored record is not
	// necessarily durable on return (see Stats.Durable).
	Append(ctx context.Context, recs []Record) error
	// Position is the highest Seq stored, 0 if none; after a crash it is
	// the last record that survived whole.
	Position(ctx context.Context) (uint64, error)
	// Search answers q.
	Search(ctx context.Context, q Query) (*Result, error)
	// Stats describes what the store holds.
	Stats(ctx context.Context) (Stats, error)
	// Close releases the store; later calls fail with ErrClosed.
	Close() error
}

// Retainer is implemented by a store that applies its retention limits when
// asked as well as when it grows: the service calls Retain periodically so
// that events expire by age even when nothing new arrives.
type Retainer interface {
	Retain(ctx context.Context) error
}

// ErrClosed is returned by calls on a closed store.
var ErrClosed = errors.New("eventstore: store is closed")

// ErrReadOnly is returned by Append and Retain on a store opened read-only.
var ErrReadOnly = errors.New("eventstore: store is open read-only")

// Stats describes a store.
type Stats struct {
	Events   int64     `json:"events"`   // events retained
	Bytes    int64     `json:"bytes"`    // bytes on disk
	Segments int       `json:"segments"` // files of events (0 for a database)
	Oldest   time.Time `json:"oldest"`   // oldest event time retained; zero if none
	Newest   time.Time `json:"newest"`   // newest event time retained; zero if none
	Position uint64    `json:"position"` // highest Seq stored
	// Durable is the highest Seq known to survive a power loss: the
	// write-ahead log may drop records up to it.
	Durable uint64 `json:"durable"`
}

// Limits of a query.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
	MaxBuckets   = 1000
)

// Query asks for the events in a time range that match an expression.
type Query struct {
	// Expr selects events; nil selects all, unless Text is set, which is
	// then parsed with ParseQuery.
	Expr Expr
	Text string
	// Since and Until bound the event time: Since <= time < Until. A zero
	// bound is open.
	Since, Until time.Time
	// Limit is how many events to return (DefaultLimit when 0, at most
	// MaxLimit); Matched counts all the same.
	Limit int
	// Buckets is the number of histogram buckets (0: no histogram; at most
	// MaxBuckets).
	Buckets int
}

// Result is the answer to a Query.
type Result struct {
	// Events are the newest matches by event time, ties by Seq
	// descending, at most Query.Limit of them.
	Events []Hit `json:"events"`
	// Matched counts every match in the range, not just those returned.
	Matched int64 `json:"matched"`
	// Scanned counts the records read; the rest were skipped by index.
	Scanned int64 `json:"scanned"`
	// Truncated is true when more events matched than were returned.
	Truncated bool `json:"truncated"`
	// Histogram counts the matches per time bucket over the range (over the
	// matched events' times where the range is open); its counts add up to
	// Matched.
	Histogram []Bucket `json:"histogram"`
}

// Bucket is one histogram bucket: the matches from Start to the next
// bucket's Start.
type Bucket struct {
	Start time.Time `json:"start"`
	Count int64     `json:"count"`
}

// Hit is one event in a Result.
type Hit struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	Host      string    `json:"host"`
	Source    string    `json:"source"`
	LogSource LogSource `json:"logsource"`
	Fields    Fields    `json:"fields"`
}

// LogSource is an event's Sigma log source.
type LogSource struct {
	Product  string `json:"product,omitempty"`
	Category string `json:"category,omitempty"`
	Service  string `json:"service,omitempty"`
}
