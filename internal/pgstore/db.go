package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configures a DB. The zero value uses the DSN's defaults.
type Options struct {
	// MaxConns bounds the pool's connections (0: pgxpool's default, the
	// larger of 4 and the number of CPUs).
	MaxConns int
	// Schema holds Vigil's tables; it is created if missing. "" uses the
	// DSN's search_path (normally public). Tests give each case its own.
	Schema string
	// Logger receives notices such as migrations applied (nil: discarded).
	Logger *slog.Logger
}

// DB is a connection pool to Vigil's PostgreSQL database, migrated to the
// current schema. Its stores share the pool; it is safe for concurrent use.
type DB struct {
	pool   *pgxpool.Pool
	schema string
	log    *slog.Logger
}

// ErrClosed is returned by a store's methods after its Close.
var ErrClosed = errors.New("pgstore: store is closed")

// Open connects to the database at dsn (a URL or key=value string, see
// pgx.ParseConfig) and applies any migrations not yet applied.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	if opts.MaxConns < 0 || opts.MaxConns > math.MaxInt32 {
		return nil, fmt.Errorf("pgstore: max_conns %d is out of range", opts.MaxConns)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: parse dsn: %w", err) // pgx keeps the password out of its message
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = int32(opts.MaxConns)
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = opts.Schema
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connect to %s: %w", serverName(cfg), err)
	}
	db := &DB{pool: pool, schema: opts.Schema, log: opts.Logger}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: %s: %w", serverName(cfg), err)
	}
	return db, nil
}

// serverName names the server and database of cfg for messages, without the
// password.
func serverName(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("database %q on %s port %d", c.Database, c.Host, c.Port)
}

// Close closes the pool; the stores made from the DB stop working.
func (db *DB) Close() { db.pool.Close() }

// Pool is the DB's connection pool, for statistics and for tests.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// inTx runs fn in a transaction, committing if it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

// toInt64 converts a position, sequence or epoch for a bigint column.
func toInt64(what string, v uint64) (int64, error) {
	if v > math.MaxInt64 {
		return 0, fmt.Errorf("%s %d does not fit PostgreSQL's bigint", what, v)
	}
	return int64(v), nil
}
