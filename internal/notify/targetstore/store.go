package targetstore

import (
	"context"
	"errors"
)

// ErrNotFound is returned by Remove for an ID no target has.
var ErrNotFound = errors.New("no such notification target")

// ErrClosed is returned by a Store's methods after Close.
var ErrClosed = errors.New("notification target store closed")

// Store keeps the targets added at run time. Every change moves the
// generation on by one; the generation of an empty store that was never
// changed is 0. Implementations are safe for concurrent use, and the
// Targets they return are the caller's.
type Store interface {
	// List returns the targets in the order they were added, and the
	// generation they are at.
	List(ctx context.Context) ([]Target, uint64, error)
	// Generation returns the generation now, cheaply (a node asks every
	// few seconds whether to List again).
	Generation(ctx context.Context) (uint64, error)
	// Add stores t, which must pass Check and have an ID no target has;
	// it returns the new generation.
	Add(ctx context.Context, t Target) (uint64, error)
	// Remove deletes the target id and returns it with the new
	// generation; ErrNotFound when there is none.
	Remove(ctx context.Context, id string) (Target, uint64, error)
	// Close ends this handle.
	Close() error
}
