package bus

import (
	"errors"
	"time"
)

// Handler is what a detector node runs on the partitions it holds. The bus
// calls it from one goroutine per held partition: calls for one partition
// never overlap, calls for different partitions may.
//
// Exactly-once results come from the handler's store, not the bus:
//
//   - Claim(p, epoch) must, in one atomic step of the store, refuse an
//     epoch lower than the highest it has seen for p, record epoch as p's
//     current one, and return the last stream sequence whose results are
//     committed for p (0: none). Recording the epoch at claim fences the
//     previous holder at once, even if it has not noticed its lease is gone.
//     The handler restores its state for p (correlation windows) as of
//     that sequence; the bus then delivers p's messages after it.
//   - Process(p, msgs) handles a batch, in stream order, and commits its
//     results with the last msgs[i].Seq and msgs[i].Epoch in one atomic
//     step that the store refuses if the epoch is no longer p's current
//     one. Results keyed by (partition, sequence) make a commit that is
//     repeated after a crash change nothing.
//   - Release(p) drops the state for p; p is no longer delivered.
//
// Claim and Process return an error wrapping ErrFenced when the store
// refused their epoch: the bus then gives the partition up. Any other
// error from Process makes the bus Release and Claim the partition again,
// so that processing resumes from what was committed.
type Handler interface {
	Claim(p int, epoch uint64) (resumeAfter uint64, err error)
	Process(p int, msgs []Msg) error
	Release(p int)
}

// Msg is one event as stored in the stream. Data is the event in
// event.Event's binary encoding (decode it with UnmarshalBinary); it and
// the slice of Msgs are valid only until Process returns.
type Msg struct {
	Partition int
	Seq       uint64 // the stream sequence: increasing within a partition
	Epoch     uint64 // the lease epoch this node holds the partition under
	// Time is when the stream stored the message: its arrival, which the
	// flow watch counts by; zero where not known.
	Time time.Time
	Data []byte
}

// ErrFenced is returned (wrapped) by a Handler whose store refused its
// epoch because another node has claimed the partition since.
var ErrFenced = errors.New("bus: partition claimed under a newer epoch")
