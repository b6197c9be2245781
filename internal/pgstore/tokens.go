package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vigilhealth/vigil/internal/auth"
)

// authTimeout bounds one query of the auth stores, whose interfaces carry
// no context: a request waits at most this long for its credentials.
const authTimeout = 10 * time.Second

// usageEvery is how often a token's last use is written at most: a write
// per request would load the database for a figure shown to the minute.
const usageEvery = time.Minute

// Tokens is the API token store in PostgreSQL (auth.TokenStore), shared by
// every node: a token created or revoked on one works or stops at once on
// all. Lookup reads the table every time; nothing is cached.
type Tokens struct {
	db  *DB
	now func() time.Time
}

var _ auth.TokenStore = (*Tokens)(nil)

// Tokens returns the DB's token store.
func (db *DB) Tokens() *Tokens { return &Tokens{db: db, now: time.Now} }

// uniqueViolation reports whether err is PostgreSQL's unique_violation.
func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// Create implements auth.TokenStore.
func (ts *Tokens) Create(role auth.Role, name string) (string, auth.Token, error) {
	secret, t, err := auth.NewToken(role, name, ts.now())
	if err != nil {
		return "", auth.Token{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	_, err = ts.db.pool.Exec(ctx, `INSERT INTO auth_tokens (id, name, role, sha256, created) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, t.Name, string(t.Role), t.SHA256, t.Created)
	if uniqueViolation(err) {
		return "", auth.Token{}, fmt.Errorf("create token: token %q: %w", t.Name, auth.ErrTokenExists)
	}
	if err != nil {
		return "", auth.Token{}, fmt.Errorf("pgstore: create token %q: %w", t.Name, err)
	}
	return secret, t, nil
}

// Revoke implements auth.TokenStore.
func (ts *Tokens) Revoke(nameOrID string) (auth.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	var done auth.Token
	err := ts.db.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, tokenColumns+` WHERE name = $1 OR id = $1 ORDER BY added LIMIT 1 FOR UPDATE`, nameOrID)
		if err != nil {
			return err
		}
		list, err := pgx.CollectRows(rows, scanToken)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return fmt.Errorf("%q: %w", nameOrID, auth.ErrNoToken)
		}
		done = list[0]
		if !done.Active() {
			return fmt.Errorf("token %s (%s), at %s: %w", done.Name, done.ID, done.Revoked.Format(time.RFC3339), auth.ErrTokenRevoked)
		}
		done.Revoked = ts.now().UTC()
		_, err = tx.Exec(ctx, "UPDATE auth_tokens SET revoked = $2 WHERE id = $1", done.ID, done.Revoked)
		return err
	})
	if err != nil {
		return auth.Token{}, fmt.Errorf("revoke token: %w", err)
	}
	return done, nil
}

// tokenColumns selects a token row for scanToken.
const tokenColumns = `SELECT id, name, role, sha256, created, revoked, last_used FROM auth_tokens`

func scanToken(row pgx.CollectableRow) (auth.Token, error) {
	var t auth.Token
	var role string
	var revoked, used *time.Time
	if err := row.Scan(&t.ID, &t.Name, &role, &t.SHA256, &t.Created, &revoked, &used); err != nil {
		return t, err
	}
	t.Role, t.Created = auth.Role(role), t.Created.UTC()
	if revoked != nil {
		t.Revoked = revoked.UTC()
	}
	if used != nil {
		t.LastUsed = used.UTC()
	}
	return t, nil
}

// List implements auth.TokenStore, in the order created.
func (ts *Tokens) List() ([]auth.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	rows, err := ts.db.pool.Query(ctx, tokenColumns+" ORDER BY added")
	if err != nil {
		return nil, fmt.Errorf("pgstore: list tokens: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanToken)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list tokens: %w", err)
	}
	return list, nil
}

// Lookup implements auth.TokenStore: the active token with secret's hash,
// its last use written when it is more than usageEvery old. A database
// that does not answer refuses the token.
func (ts *Tokens) Lookup(secret string) (auth.Token, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	rows, err := ts.db.pool.Query(ctx, tokenColumns+" WHERE sha256 = $1 AND revoked IS NULL", auth.TokenHash(secret))
	if err != nil {
		return auth.Token{}, false, fmt.Errorf("pgstore: look a token up: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanToken)
	if err != nil || len(list) == 0 {
		if err != nil {
			err = fmt.Errorf("pgstore: look a token up: %w", err)
		}
		return auth.Token{}, false, err
	}
	t, now := list[0], ts.now().UTC()
	if now.Sub(t.LastUsed) >= usageEvery {
		if _, err := ts.db.pool.Exec(ctx, "UPDATE auth_tokens SET last_used = $2 WHERE id = $1", t.ID, now); err != nil {
			return t, true, fmt.Errorf("pgstore: record token %s's use: %w", t.Name, err)
		}
		t.LastUsed = now
	}
	return t, true, nil
}

// FlushUsage implements auth.TokenStore: Lookup writes the uses itself.
func (ts *Tokens) FlushUsage() error { return nil }
