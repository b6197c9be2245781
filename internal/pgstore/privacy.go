package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/privacy"
)

// PrivacyDecisions is the PostgreSQL privacy.DecisionStore: each case's
// decision whole as JSON, changed under its row's lock by Decisions' own
// rules (privacy.Decision.WithOutcome, WithBreach), every change also
// kept in privacy_decision_changes. privacy.DecisionStore has no context:
// a call is bounded by the pool's connect time-out and the server's own.
type PrivacyDecisions struct {
	db     *DB
	closed atomic.Bool
}

var _ privacy.DecisionStore = (*PrivacyDecisions)(nil)

// PrivacyDecisions returns the DB's decision store. Its Close ends only
// this handle.
func (db *DB) PrivacyDecisions() *PrivacyDecisions { return &PrivacyDecisions{db: db} }

// decisionChange is one row of privacy_decision_changes, in the file
// log's form.
type decisionChange struct {
	Op      string          `json:"op"` // "outcome" or "breach"
	CaseID  string          `json:"case_id"`
	Outcome privacy.Outcome `json:"outcome,omitempty"`
	By      string          `json:"by,omitempty"`
	Note    string          `json:"note,omitempty"`
	At      time.Time       `json:"at"`
}

// Record implements privacy.DecisionStore.
func (s *PrivacyDecisions) Record(caseID string, o privacy.Outcome, by, note string, t time.Time) (privacy.Decision, error) {
	if caseID == "" {
		return privacy.Decision{}, errors.New("record outcome: empty case id")
	}
	o, err := privacy.ParseOutcome(string(o))
	if err != nil {
		return privacy.Decision{}, fmt.Errorf("record outcome of %s: %w", caseID, err)
	}
	t = t.UTC() // as the file log keeps it
	ch := decisionChange{Op: "outcome", CaseID: caseID, Outcome: o, By: by, Note: note, At: t}
	return s.change(ch, func(d privacy.Decision) (privacy.Decision, error) { return d.WithOutcome(o, by, note, t) })
}

// ConfirmBreach implements privacy.DecisionStore.
func (s *PrivacyDecisions) ConfirmBreach(caseID, by string, t time.Time) (privacy.Decision, error) {
	if caseID == "" {
		return privacy.Decision{}, errors.New("confirm breach: empty case id")
	}
	t = t.UTC()
	ch := decisionChange{Op: "breach", CaseID: caseID, By: by, At: t}
	return s.change(ch, func(d privacy.Decision) (privacy.Decision, error) { return d.WithBreach(t), nil })
}

// change applies fn to the case's decision in one transaction holding its
// row, and records the change.
func (s *PrivacyDecisions) change(ch decisionChange, fn func(privacy.Decision) (privacy.Decision, error)) (privacy.Decision, error) {
	if s.closed.Load() {
		return privacy.Decision{}, fmt.Errorf("pgstore: %s of case %s: %w", ch.Op, ch.CaseID, ErrClosed)
	}
	ctx := context.Background()
	var out privacy.Decision
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		fresh, err := jsonText("decision", privacy.Decision{CaseID: ch.CaseID})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO privacy_decisions (case_id, body) VALUES ($1, $2) ON CONFLICT DO NOTHING", ch.CaseID, fresh); err != nil {
			return err
		}
		var b []byte
		if err := tx.QueryRow(ctx, "SELECT body FROM privacy_decisions WHERE case_id = $1 FOR UPDATE", ch.CaseID).Scan(&b); err != nil {
			return err
		}
		var d privacy.Decision
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("decode the stored decision: %w", err)
		}
		if out, err = fn(d); err != nil {
			return err
		}
		body, err := jsonText("decision", out)
		if err != nil {
			return err
		}
		change, err := jsonText("change", ch)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE privacy_decisions SET body = $2 WHERE case_id = $1", ch.CaseID, body); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO privacy_decision_changes (case_id, change) VALUES ($1, $2)", ch.CaseID, change)
		return err
	})
	if err != nil {
		return privacy.Decision{}, fmt.Errorf("pgstore: %s of case %s: %w", ch.Op, ch.CaseID, err)
	}
	return out, nil
}

// Lookup returns the decision on a case, whether there is one, and any
// error reading it.
func (s *PrivacyDecisions) Lookup(ctx context.Context, caseID string) (privacy.Decision, bool, error) {
	if s.closed.Load() {
		return privacy.Decision{CaseID: caseID}, false, ErrClosed
	}
	ds, err := queryJSON[privacy.Decision](ctx, s.db, "table privacy_decisions", "SELECT body FROM privacy_decisions WHERE case_id = $1", caseID)
	if err != nil {
		return privacy.Decision{CaseID: caseID}, false, fmt.Errorf("pgstore: decision on case %s: %w", caseID, err)
	}
	if len(ds) == 0 {
		return privacy.Decision{CaseID: caseID}, false, nil
	}
	return ds[0], true, nil
}

// Get implements privacy.DecisionStore with Lookup. Get has no error: one
// is logged at error level and the case reads as undecided, so a caller
// that must know uses Lookup.
func (s *PrivacyDecisions) Get(caseID string) (privacy.Decision, bool) {
	d, ok, err := s.Lookup(context.Background(), caseID)
	if err != nil {
		s.db.log.Error("pgstore: a privacy decision could not be read", "case", caseID, "err", err)
	}
	return d, ok
}

// List implements privacy.DecisionStore.
func (s *PrivacyDecisions) List() ([]privacy.Decision, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	ds, err := queryJSON[privacy.Decision](context.Background(), s.db, "table privacy_decisions", "SELECT body FROM privacy_decisions ORDER BY case_id")
	return ds, wrapErr(err)
}

// Close implements privacy.DecisionStore.
func (s *PrivacyDecisions) Close() error {
	s.closed.Store(true)
	return nil
}

// PrivacyCases is the PostgreSQL privacy.CaseStore: the last saved
// analysis, one JSON document replaced by each save.
type PrivacyCases struct {
	db     *DB
	closed atomic.Bool
}

var _ privacy.CaseStore = (*PrivacyCases)(nil)

// PrivacyCases returns the DB's case store. Its Close ends only this
// handle.
func (db *DB) PrivacyCases() *PrivacyCases { return &PrivacyCases{db: db} }

func (s *PrivacyCases) usable(ctx context.Context) error {
	if s.closed.Load() {
		return privacy.ErrClosed
	}
	return ctx.Err()
}

// SaveCases implements privacy.CaseStore.
func (s *PrivacyCases) SaveCases(ctx context.Context, sc *privacy.SavedCases) error {
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: save privacy cases: %w", err)
	}
	body, err := jsonText("privacy cases", sc)
	if err == nil {
		_, err = s.db.pool.Exec(ctx, `INSERT INTO privacy_cases (body) VALUES ($1)
			ON CONFLICT (singleton) DO UPDATE SET body = excluded.body`, body)
	}
	if err != nil {
		return fmt.Errorf("pgstore: save %d privacy cases: %w", len(sc.Cases), err)
	}
	return nil
}

// LoadCases implements privacy.CaseStore.
func (s *PrivacyCases) LoadCases(ctx context.Context) (*privacy.SavedCases, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: load privacy cases: %w", err)
	}
	scs, err := queryJSON[privacy.SavedCases](ctx, s.db, "table privacy_cases", "SELECT body FROM privacy_cases")
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	sc := &privacy.SavedCases{}
	if len(scs) > 0 {
		sc = &scs[0]
	}
	if sc.Raised == nil {
		sc.Raised = map[string]time.Time{}
	}
	return sc, nil
}

// Close implements privacy.CaseStore.
func (s *PrivacyCases) Close() error {
	s.closed.Store(true)
	return nil
}
