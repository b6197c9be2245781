package assure

import (
	"context"
	"errors"
	"fmt"
)

// Store keeps the assurance state that outlives one report: the evidence
// people record (a policy signed off, an exercise run) and the assessments
// made over time. The embedded default is a FileStore in the data folder;
// pgstore keeps the same in PostgreSQL for a deployment of several nodes.
// Both pass the suite in assure/assuretest. A Store is safe for
// concurrent use.
type Store interface {
	// RecordEvidence keeps e, durably when it returns. An item recorded
	// again under an ID already kept replaces it (a correction) and keeps
	// its place in the order. An item that fails Check is refused.
	RecordEvidence(ctx context.Context, e Evidence) error
	// Evidence returns the items kept, in the order first recorded.
	Evidence(ctx context.Context) ([]Evidence, error)
	// AppendAssessment adds a to the history, durably when it returns.
	AppendAssessment(ctx context.Context, a Assessment) error
	// History returns the assessments in the order appended.
	History(ctx context.Context) ([]Assessment, error)
	// Close releases the store; its methods then return ErrClosed.
	Close() error
}

// ErrClosed is returned by a Store's methods after its Close.
var ErrClosed = errors.New("assure: store is closed")

// Check reports why e cannot be recorded: every item needs an ID, to be
// corrected by, and names at least one indicator.
func (e Evidence) Check() error {
	if e.ID == "" {
		return fmt.Errorf("evidence %q: id: empty (every item has one)", e.Summary)
	}
	if len(e.Indicators) == 0 {
		return fmt.Errorf("evidence %s: indicators: empty (name the statements it speaks to)", e.ID)
	}
	return nil
}
