// Package ingest defines what every listener hands its events to, so that
// listeners (syslog, HTTP, MLLP, ...) know nothing of storage or detection.
package ingest

import (
	"context"
	"errors"

	"github.com/vigilhealth/vigil/internal/event"
)

// Sink takes batches of parsed events from a listener.
//
// Accept returns nil only once the events are durable: a listener may
// acknowledge them to the sender then, and not before. It may block to push
// back on a fast sender, and returns ErrOverloaded when it cannot take more
// for now. Accept does not keep evs or the events in it after it returns;
// the listener may reset and reuse them.
type Sink interface {
	Accept(ctx context.Context, evs []*event.Event) error
}

// ErrOverloaded tells a listener to slow its sender down: HTTP answers 429
// with Retry-After, a stream listener stops reading for a while.
var ErrOverloaded = errors.New("ingest: overloaded, try again shortly")

// Quarantine keeps malformed messages, with where they came from and why,
// so that nothing sent is silently lost and an analyst can see what failed.
// Reject must not keep raw after it returns.
type Quarantine interface {
	Reject(listener, peer string, raw []byte, reason error)
}
