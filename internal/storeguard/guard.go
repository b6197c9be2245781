// Package storeguard serialises the operations of a store kept in files
// and refuses them once the store is closed or their context is done, the
// part every such store shares.
package storeguard

import (
	"context"
	"sync"
)

// Guard is the lock and the closed flag of one store. The zero value is
// an open store.
type Guard struct {
	mu     sync.Mutex
	closed bool
}

// Do runs fn under the lock, unless the store is closed (it returns
// closedErr, the store package's own error) or ctx is done.
func (g *Guard) Do(ctx context.Context, closedErr error, fn func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return closedErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fn()
}

// Close marks the store closed. The first call runs release (nil for
// none) under the lock and returns its error; later calls return nil.
func (g *Guard) Close(release func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	g.closed = true
	if release == nil {
		return nil
	}
	return release()
}
