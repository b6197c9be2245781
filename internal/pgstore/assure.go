package pgstore

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/vigilhealth/vigil/internal/assure"
)

// AssureStore is the PostgreSQL assure.Store: recorded evidence and the
// assessment history, each item whole as JSON in order of recording.
type AssureStore struct {
	db     *DB
	closed atomic.Bool
}

var _ assure.Store = (*AssureStore)(nil)

// Assure returns the DB's assurance store. Its Close ends only this
// handle; the pool stays open until the DB's Close.
func (db *DB) Assure() *AssureStore { return &AssureStore{db: db} }

func (s *AssureStore) usable(ctx context.Context) error {
	if s.closed.Load() {
		return assure.ErrClosed
	}
	return ctx.Err()
}

// RecordEvidence implements assure.Store; a correction keeps the item's
// place (its seq).
func (s *AssureStore) RecordEvidence(ctx context.Context, e assure.Evidence) error {
	if err := e.Check(); err != nil {
		return err
	}
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: record evidence %s: %w", e.ID, err)
	}
	body, err := jsonText("evidence", e)
	if err == nil {
		_, err = s.db.pool.Exec(ctx, `INSERT INTO assure_evidence (id, body) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET body = excluded.body`, e.ID, body)
	}
	if err != nil {
		return fmt.Errorf("pgstore: record evidence %s: %w", e.ID, err)
	}
	return nil
}

// Evidence implements assure.Store.
func (s *AssureStore) Evidence(ctx context.Context) ([]assure.Evidence, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: read evidence: %w", err)
	}
	out, err := queryJSON[assure.Evidence](ctx, s.db, "table assure_evidence", "SELECT body FROM assure_evidence ORDER BY seq")
	return out, wrapErr(err)
}

// AppendAssessment implements assure.Store.
func (s *AssureStore) AppendAssessment(ctx context.Context, a assure.Assessment) error {
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: append an assessment: %w", err)
	}
	body, err := jsonText("assessment", a)
	if err == nil {
		_, err = s.db.pool.Exec(ctx, "INSERT INTO assure_history (at, body) VALUES ($1, $2)", a.At, body)
	}
	if err != nil {
		return fmt.Errorf("pgstore: append the assessment of %s: %w", a.At.Format("2006-01-02 15:04"), err)
	}
	return nil
}

// History implements assure.Store.
func (s *AssureStore) History(ctx context.Context) ([]assure.Assessment, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: read the assessment history: %w", err)
	}
	out, err := queryJSON[assure.Assessment](ctx, s.db, "table assure_history", "SELECT body FROM assure_history ORDER BY seq")
	return out, wrapErr(err)
}

// Close implements assure.Store.
func (s *AssureStore) Close() error {
	s.closed.Store(true)
	return nil
}
