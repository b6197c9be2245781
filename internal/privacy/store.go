package privacy

import (
	"context"
	"errors"
	"time"
)

// DecisionStore keeps the privacy officer's decisions on cases, so that
// outcomes and 72-hour breach clocks outlive a restart and are shared by
// every node. DecisionLog is the embedded one (a file in the data
// folder); pgstore keeps them in PostgreSQL. Both apply the rules of
// Decisions and pass the suite in privacy/privacytest. The method set is
// DecisionLog's, so the console takes either.
type DecisionStore interface {
	// Record sets the outcome of a case at t (Decisions.Record's rules)
	// and returns the decision once the change is durable.
	Record(caseID string, o Outcome, by, note string, t time.Time) (Decision, error)
	// ConfirmBreach confirms a case as a reportable breach at t
	// (Decisions.ConfirmBreach's rules), once the change is durable.
	ConfirmBreach(caseID, by string, t time.Time) (Decision, error)
	// Get returns the decision on a case, and whether there is one.
	Get(caseID string) (Decision, bool)
	// List returns every decision, by case id.
	List() ([]Decision, error)
	// Close releases the store; later changes fail.
	Close() error
}

// CaseStore keeps the last complete live analysis (SavedCases), with when
// each case was first raised, for the next start and the board pack.
// CaseFile is the embedded one (CasesFile in the state folder); pgstore
// keeps it in PostgreSQL. Both pass the suite in privacy/privacytest.
type CaseStore interface {
	// SaveCases replaces the saved analysis with sc, all or nothing.
	SaveCases(ctx context.Context, sc *SavedCases) error
	// LoadCases returns the saved analysis; with none saved, an empty
	// SavedCases (zero AnalysedAt, an empty Raised map).
	LoadCases(ctx context.Context) (*SavedCases, error)
	// Close releases the store; its methods then return ErrClosed.
	Close() error
}

// ErrClosed is returned by a CaseStore's methods after its Close.
var ErrClosed = errors.New("privacy: store is closed")

// WithOutcome returns d after recording outcome o by by at t, by the rules
// of Decisions.Record, for a store that keeps each decision whole.
func (d Decision) WithOutcome(o Outcome, by, note string, t time.Time) (Decision, error) {
	ds := NewDecisions()
	ds.m[d.CaseID] = &d
	return ds.Record(d.CaseID, o, by, note, t)
}

// WithBreach returns d after confirming it as a reportable breach at t, by
// the rules of Decisions.ConfirmBreach.
func (d Decision) WithBreach(t time.Time) Decision {
	ds := NewDecisions()
	ds.m[d.CaseID] = &d
	return ds.ConfirmBreach(d.CaseID, t)
}

// Summarise counts the saved analysis sc and the decisions ds as of now,
// as LoadSummary does for the data folder: for state kept in other
// stores.
func Summarise(sc *SavedCases, ds []Decision, now time.Time) SavedSummary {
	dec := NewDecisions()
	for i := range ds {
		d := ds[i]
		dec.m[d.CaseID] = &d
	}
	return summarise(sc, dec, now)
}
