package alert

import (
	"context"
	"errors"
)

// PartitionStore is an alert store shared by detector nodes that each own
// some partitions of the event stream.
type PartitionStore interface {
	Store
	// ClaimPartition records that epoch now owns partition p (epochs only
	// grow) and returns the last committed stream sequence of p and the
	// correlation state saved with it (nil if none). It fails with
	// ErrFenced when a later epoch has already claimed p; claiming again
	// under the current epoch is allowed.
	ClaimPartition(ctx context.Context, p int, epoch uint64) (seq uint64, state []byte, err error)
	// CommitPartition records, atomically, the alerts and incidents made
	// by processing partition p up to seq, with the partition's
	// correlation state; it fails with ErrFenced when a later epoch has
	// claimed p. People's changes are kept as Commit keeps them. seq may
	// repeat the last committed sequence of p but not go below it. It does
	// not move Position, which is the single-process event log's.
	CommitPartition(ctx context.Context, p int, epoch, seq uint64, state []byte, alerts []*Alert, incidents []*Incident) error
}

// ErrFenced is returned by ClaimPartition and CommitPartition when a later
// epoch owns the partition: the caller has lost it and must stop.
var ErrFenced = errors.New("alert: partition fenced: a later epoch has claimed it")
