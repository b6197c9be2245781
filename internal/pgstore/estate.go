package pgstore

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/estate"
)

// EstateStore is the PostgreSQL estate.Store: register entries by their
// asset's key, and the learned assets, each whole as JSON.
type EstateStore struct {
	db     *DB
	closed atomic.Bool
}

var _ estate.Store = (*EstateStore)(nil)

// Estate returns the DB's estate store. Its Close ends only this handle;
// the pool stays open until the DB's Close.
func (db *DB) Estate() *EstateStore { return &EstateStore{db: db} }

func (s *EstateStore) usable(ctx context.Context) error {
	if s.closed.Load() {
		return estate.ErrClosed
	}
	return ctx.Err()
}

// Register implements estate.Store.
func (s *EstateStore) Register(ctx context.Context) (*estate.Register, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: read the register: %w", err)
	}
	es, err := queryJSON[estate.RegisterEntry](ctx, s.db, "table estate_register", "SELECT body FROM estate_register ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	return &estate.Register{Entries: es}, nil
}

// PutRegisterEntries implements estate.Store in one transaction, one
// upsert an entry, so that two entries for one asset in a call end as the
// later.
func (s *EstateStore) PutRegisterEntries(ctx context.Context, es ...estate.RegisterEntry) error {
	es, err := estate.NormaliseEntries(es)
	if err != nil {
		return err
	}
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: put register entries: %w", err)
	}
	err = s.db.inTx(ctx, func(tx pgx.Tx) error {
		for _, e := range es {
			body, err := jsonText("register entry", e)
			if err == nil {
				_, err = tx.Exec(ctx, `INSERT INTO estate_register (key, body) VALUES ($1, $2)
					ON CONFLICT (key) DO UPDATE SET body = excluded.body`, estate.RegisterKey(e.Asset), body)
			}
			if err != nil {
				return fmt.Errorf("entry for %s: %w", e.Asset, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: put register entries: %w", err)
	}
	return nil
}

// SaveLearned implements estate.Store: one transaction that first locks
// the saved row, so that saves from several nodes follow one another.
func (s *EstateStore) SaveLearned(ctx context.Context, assets []estate.Asset) error {
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: save the learned assets: %w", err)
	}
	bodies := make([]string, len(assets))
	for i, a := range assets {
		var err error
		if bodies[i], err = jsonText("asset "+a.Name, a); err != nil {
			return fmt.Errorf("pgstore: save the learned assets: %w", err)
		}
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE estate_learned_saved SET saved_at = now()"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM estate_learned"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO estate_learned (pos, body)
			SELECT ord, body::json FROM unnest($1::text[]) WITH ORDINALITY AS u(body, ord)`, bodies)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: save %d learned assets: %w", len(assets), err)
	}
	return nil
}

// Learned implements estate.Store.
func (s *EstateStore) Learned(ctx context.Context) ([]estate.Asset, bool, error) {
	if err := s.usable(ctx); err != nil {
		return nil, false, fmt.Errorf("pgstore: read the learned assets: %w", err)
	}
	var saved bool
	if err := s.db.pool.QueryRow(ctx, "SELECT saved_at IS NOT NULL FROM estate_learned_saved").Scan(&saved); err != nil {
		return nil, false, fmt.Errorf("pgstore: read the learned assets: %w", err)
	}
	if !saved {
		return nil, false, nil
	}
	as, err := queryJSON[estate.Asset](ctx, s.db, "table estate_learned", "SELECT body FROM estate_learned ORDER BY pos")
	if err != nil {
		return nil, false, fmt.Errorf("pgstore: %w", err)
	}
	return as, true, nil
}

// Close implements estate.Store.
func (s *EstateStore) Close() error {
	s.closed.Store(true)
	return nil
}
