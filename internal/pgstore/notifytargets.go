package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vigilhealth/vigil/internal/notify/targetstore"
)

// NotifyTargets is the PostgreSQL targetstore.Store: one row a target in
// notify_targets, in order added, and the generation in
// notify_targets_generation, moved on in the transaction of every change
// (whose row lock puts concurrent changes from several nodes in one
// order).
type NotifyTargets struct {
	db     *DB
	closed atomic.Bool
}

var _ targetstore.Store = (*NotifyTargets)(nil)

// NotifyTargets returns the DB's notification target store. Its Close
// ends only this handle.
func (db *DB) NotifyTargets() *NotifyTargets { return &NotifyTargets{db: db} }

func (s *NotifyTargets) usable(ctx context.Context) error {
	if s.closed.Load() {
		return targetstore.ErrClosed
	}
	return ctx.Err()
}

// List implements targetstore.Store: the generation and the rows are read
// by one statement, so they are of one moment.
func (s *NotifyTargets) List(ctx context.Context) ([]targetstore.Target, uint64, error) {
	if err := s.usable(ctx); err != nil {
		return nil, 0, fmt.Errorf("pgstore: list notification targets: %w", err)
	}
	rows, err := s.db.pool.Query(ctx, `SELECT g.generation, t.body FROM notify_targets_generation g
		LEFT JOIN notify_targets t ON true ORDER BY t.seq`)
	if err != nil {
		return nil, 0, fmt.Errorf("pgstore: read table notify_targets: %w", err)
	}
	defer rows.Close()
	var out []targetstore.Target
	var gen int64
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&gen, &body); err != nil {
			return nil, 0, fmt.Errorf("pgstore: read table notify_targets: %w", err)
		}
		if body == nil { // no target: the join's one row of the generation
			continue
		}
		var t targetstore.Target
		if err := json.Unmarshal(body, &t); err != nil {
			return nil, 0, fmt.Errorf("pgstore: decode table notify_targets row %d: %w", len(out)+1, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("pgstore: read table notify_targets: %w", err)
	}
	return out, uint64(gen), nil
}

// Generation implements targetstore.Store: one row of one column.
func (s *NotifyTargets) Generation(ctx context.Context) (uint64, error) {
	if err := s.usable(ctx); err != nil {
		return 0, fmt.Errorf("pgstore: notification targets' generation: %w", err)
	}
	var gen int64
	if err := s.db.pool.QueryRow(ctx, "SELECT generation FROM notify_targets_generation").Scan(&gen); err != nil {
		return 0, fmt.Errorf("pgstore: read table notify_targets_generation: %w", err)
	}
	return uint64(gen), nil
}

// Add implements targetstore.Store.
func (s *NotifyTargets) Add(ctx context.Context, t targetstore.Target) (uint64, error) {
	if err := targetstore.Check(t); err != nil {
		return 0, err
	}
	if err := s.usable(ctx); err != nil {
		return 0, fmt.Errorf("pgstore: add notification target: %w", err)
	}
	body, err := jsonText("notification target", t)
	if err != nil {
		return 0, fmt.Errorf("pgstore: %w", err)
	}
	var gen int64
	err = s.db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO notify_targets (id, body) VALUES ($1, $2)", t.ID, body); err != nil {
			return err
		}
		return bumpTargets(ctx, tx, &gen)
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
		return 0, fmt.Errorf("pgstore: notification target %s already exists", t.ID)
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: add notification target %s: %w", t.ID, err)
	}
	return uint64(gen), nil
}

// Remove implements targetstore.Store.
func (s *NotifyTargets) Remove(ctx context.Context, id string) (targetstore.Target, uint64, error) {
	if err := s.usable(ctx); err != nil {
		return targetstore.Target{}, 0, fmt.Errorf("pgstore: remove notification target: %w", err)
	}
	var gone targetstore.Target
	var gen int64
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		var body []byte
		err := tx.QueryRow(ctx, "DELETE FROM notify_targets WHERE id = $1 RETURNING body", id).Scan(&body)
		if errors.Is(err, pgx.ErrNoRows) {
			return targetstore.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal(body, &gone); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		return bumpTargets(ctx, tx, &gen)
	})
	if err != nil {
		return targetstore.Target{}, 0, fmt.Errorf("pgstore: remove notification target %s: %w", id, err)
	}
	return gone, uint64(gen), nil
}

// bumpTargets moves the generation on by one within tx.
func bumpTargets(ctx context.Context, tx pgx.Tx, gen *int64) error {
	return tx.QueryRow(ctx, "UPDATE notify_targets_generation SET generation = generation + 1 RETURNING generation").Scan(gen)
}

// Close implements targetstore.Store.
func (s *NotifyTargets) Close() error {
	s.closed.Store(true)
	return nil
}
