package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/estate"
)

// EstateStore is the PostgreSQL estate.Store: register entries by their
// asset's key, and the learned assets, each whole as JSON.
type EstateStore struct {
	db     *DB
	opts   EstateOptions
	closed atomic.Bool
}

// EstateOptions tune how an EstateStore saves learned assets.
type EstateOptions struct {
	// NodeMaxAge (estate.learned_max_age): a node's save also deletes the
	// learned assets of every other node whose last save is older than
	// this, a node that left for good. Their assets were last seen before
	// that save, so reading with the same max age already leaves them out.
	// 0 keeps every node's.
	NodeMaxAge time.Duration
	// Now is the clock a save is stamped with and ages the other nodes'
	// by; nil is time.Now.
	Now func() time.Time
}

var _ estate.Store = (*EstateStore)(nil)

// Estate returns the DB's estate store, keeping every node's learned
// assets. Its Close ends only this handle; the pool stays open until the
// DB's Close.
func (db *DB) Estate() *EstateStore { return db.EstateWith(EstateOptions{}) }

// EstateWith returns the DB's estate store tuned by o, as Estate does.
func (db *DB) EstateWith(o EstateOptions) *EstateStore {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &EstateStore{db: db, opts: o}
}

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

// SaveLearned implements estate.Store: one transaction that first
// upserts node's row of estate_learned_nodes, so that two saves of one
// node follow one another while other nodes' saves go on beside them,
// then replaces node's rows, and with NodeMaxAge deletes the nodes last
// saved before it (forgetStaleNodes). Assets of one host given twice are
// merged first (estate.MergeLearned), as the rows are keyed by host.
func (s *EstateStore) SaveLearned(ctx context.Context, node string, assets []estate.Asset) error {
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: save node %q's learned assets: %w", node, err)
	}
	assets = estate.MergeLearned(assets)
	keys, bodies := make([]string, len(assets)), make([]string, len(assets))
	for i, a := range assets {
		keys[i] = learnedKey(i, a)
		var err error
		if bodies[i], err = jsonText("asset "+a.Name, a); err != nil {
			return fmt.Errorf("pgstore: save node %q's learned assets: %w", node, err)
		}
	}
	now := s.opts.Now()
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO estate_learned_nodes (node, saved_at) VALUES ($1, $2)
			ON CONFLICT (node) DO UPDATE SET saved_at = excluded.saved_at`, node, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM estate_learned WHERE node = $1", node); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO estate_learned (node, key, pos, body)
			SELECT $1, key, ord, body::json FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(key, body, ord)`, node, keys, bodies); err != nil {
			return err
		}
		return s.forgetStaleNodes(ctx, tx, node, now)
	})
	if err != nil {
		return fmt.Errorf("pgstore: save node %q's %d learned assets: %w", node, len(assets), err)
	}
	return nil
}

// forgetStaleNodes deletes, with NodeMaxAge, the nodes other than node
// last saved before now less NodeMaxAge, and their learned assets (the
// foreign key cascades). A node saving at this moment holds its row
// locked and has just stamped it: SKIP LOCKED passes it over rather than
// wait, so that two nodes back after a long absence cannot deadlock.
func (s *EstateStore) forgetStaleNodes(ctx context.Context, tx pgx.Tx, node string, now time.Time) error {
	if s.opts.NodeMaxAge <= 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `DELETE FROM estate_learned_nodes WHERE node IN (
			SELECT node FROM estate_learned_nodes WHERE node <> $1 AND saved_at < $2 FOR UPDATE SKIP LOCKED)`,
		node, now.Add(-s.opts.NodeMaxAge))
	if err != nil {
		return fmt.Errorf("forget the nodes last saved over %v ago: %w", s.opts.NodeMaxAge, err)
	}
	return nil
}

// learnedKey is the row key of the i-th asset of a save: its host's key,
// or for an asset without a name (which merges with none) its place.
func learnedKey(i int, a estate.Asset) string {
	if k := estate.RegisterKey(a.Name); k != "" {
		return k
	}
	return fmt.Sprintf("#%d", i+1)
}

// Learned implements estate.Store: every node's rows in one query (one
// snapshot), merged per host.
func (s *EstateStore) Learned(ctx context.Context) ([]estate.Asset, bool, error) {
	if err := s.usable(ctx); err != nil {
		return nil, false, fmt.Errorf("pgstore: read the learned assets: %w", err)
	}
	rows, err := s.db.pool.Query(ctx, `SELECT n.node, l.body FROM estate_learned_nodes AS n
		LEFT JOIN estate_learned AS l USING (node) ORDER BY n.node, l.pos`)
	if err != nil {
		return nil, false, fmt.Errorf("pgstore: read the learned assets: %w", err)
	}
	defer rows.Close()
	var lists [][]estate.Asset
	last := ""
	for rows.Next() {
		var node string
		var body []byte
		if err := rows.Scan(&node, &body); err != nil {
			return nil, false, fmt.Errorf("pgstore: read the learned assets: %w", err)
		}
		if len(lists) == 0 || node != last {
			lists, last = append(lists, nil), node
		}
		if body == nil { // a node that saved none
			continue
		}
		var a estate.Asset
		if err := json.Unmarshal(body, &a); err != nil {
			return nil, false, fmt.Errorf("pgstore: decode node %q's learned asset %d: %w", node, len(lists[len(lists)-1])+1, err)
		}
		lists[len(lists)-1] = append(lists[len(lists)-1], a)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("pgstore: read the learned assets: %w", err)
	}
	if len(lists) == 0 {
		return nil, false, nil
	}
	return estate.MergeLearned(lists...), true, nil
}

// Close implements estate.Store.
func (s *EstateStore) Close() error {
	s.closed.Store(true)
	return nil
}
