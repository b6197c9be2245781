package pgstore

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/alert"
)

// AlertStore is the PostgreSQL alert.Store, and the alert.PartitionStore
// of detector nodes. Items are kept whole as JSON beside the columns that
// queries filter on; a Commit is one transaction. Commits are serialised
// by a row lock on the position; partition commits by their partition's
// row, so that detector nodes commit side by side.
type AlertStore struct {
	db     *DB
	closed atomic.Bool
}

var _ alert.PartitionStore = (*AlertStore)(nil)

// Alerts returns the DB's alert store. Its Close ends only this handle;
// the pool stays open until the DB's Close.
func (db *DB) Alerts() *AlertStore { return &AlertStore{db: db} }

// usable checks the handle and the context before a call.
func (s *AlertStore) usable(ctx context.Context) error {
	if s.closed.Load() {
		return alert.ErrClosed
	}
	return ctx.Err()
}

// Commit implements alert.Store. pos may repeat the last position but not
// go below it. Items are merged with their stored versions so that
// people's changes are kept (alert.MergeAlert), in the same transaction
// that moves the position.
func (s *AlertStore) Commit(ctx context.Context, pos uint64, alerts []*alert.Alert, incidents []*alert.Incident) error {
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: commit alerts at position %d: %w", pos, err)
	}
	p, err := toInt64("position", pos)
	if err != nil {
		return fmt.Errorf("pgstore: commit alerts: %w", err)
	}
	b, err := newBatch(alerts, incidents)
	if err != nil {
		return fmt.Errorf("pgstore: commit alerts at position %d: %w", pos, err)
	}
	err = s.db.inTx(ctx, func(tx pgx.Tx) error {
		var cur int64
		if err := tx.QueryRow(ctx, "SELECT position FROM alert_position FOR UPDATE").Scan(&cur); err != nil {
			return fmt.Errorf("read position: %w", err)
		}
		if p < cur {
			return fmt.Errorf("the store is already at %d, and positions never go back", cur)
		}
		if err := b.write(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE alert_position SET position = $1", p)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: commit alerts at position %d: %w", pos, err)
	}
	return nil
}

// Position implements alert.Store.
func (s *AlertStore) Position(ctx context.Context) (uint64, error) {
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	var p int64
	if err := s.db.pool.QueryRow(ctx, "SELECT position FROM alert_position").Scan(&p); err != nil {
		return 0, fmt.Errorf("pgstore: read alert position: %w", err)
	}
	return uint64(p), nil
}

// Count implements alert.Store.
func (s *AlertStore) Count(ctx context.Context) (alerts, incidents int, err error) {
	if err := s.usable(ctx); err != nil {
		return 0, 0, err
	}
	err = s.db.pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM alerts), (SELECT count(*) FROM incidents)").Scan(&alerts, &incidents)
	if err != nil {
		return 0, 0, fmt.Errorf("pgstore: count alerts and incidents: %w", err)
	}
	return alerts, incidents, nil
}

// Close implements alert.Store: later calls on this handle return
// alert.ErrClosed. It does not close the DB.
func (s *AlertStore) Close() error {
	s.closed.Store(true)
	return nil
}
