package pgstore

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
)

// LoginLimits is the login rate limit in PostgreSQL (auth.LoginLimit):
// the failures of every API node in one table, counted per key in a
// sliding window as auth.LoginLimiter counts them in memory, so that
// failures spread over the nodes hit the limit as on one.
type LoginLimits struct {
	db     *DB
	log    *slog.Logger
	max    int
	window time.Duration
	now    func() time.Time
}

var _ auth.LoginLimit = (*LoginLimits)(nil)

// LoginLimitOptions are a limit's failures, window and clock; zero values
// take auth's defaults (auth.DefaultLoginFailures, DefaultLoginWindow)
// and time.Now.
type LoginLimitOptions struct {
	Max    int
	Window time.Duration
	Now    func() time.Time
}

// LoginLimits returns the DB's login rate limit. Errors, which the
// interface does not return, are logged to the DB's logger; a Check that
// fails lets the attempt through (the accounts are in this database too,
// so a login cannot succeed while it does not answer).
func (db *DB) LoginLimits(o LoginLimitOptions) *LoginLimits {
	l := &LoginLimits{db: db, log: db.log, max: o.Max, window: o.Window, now: o.Now}
	if l.max <= 0 {
		l.max = auth.DefaultLoginFailures
	}
	if l.window <= 0 {
		l.window = auth.DefaultLoginWindow
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// Check implements auth.LoginLimit: for each key, the max-th newest
// failure in the window, if there is one, says when the key frees up.
func (l *LoginLimits) Check(keys ...string) time.Duration {
	now := l.now()
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	rows, err := l.db.pool.Query(ctx, `SELECT at_ns FROM (
			SELECT at_ns, row_number() OVER (PARTITION BY key ORDER BY at_ns DESC) AS n
			FROM auth_login_failures WHERE key = ANY($1) AND at_ns > $2) recent
		WHERE n = $3`, keys, nanos(now.Add(-l.window)), l.max)
	if err != nil {
		l.log.Error("pgstore: read failed logins; allowing the attempt", "err", err)
		return 0
	}
	defer rows.Close()
	var wait time.Duration
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			l.log.Error("pgstore: read failed logins", "err", err)
			return wait
		}
		wait = max(wait, time.Unix(0, at).Add(l.window).Sub(now))
	}
	if err := rows.Err(); err != nil {
		l.log.Error("pgstore: read failed logins", "err", err)
	}
	return wait
}

// Fail implements auth.LoginLimit: it sweeps failures that left the
// window, of every key, and records one against each of keys.
func (l *LoginLimits) Fail(keys ...string) {
	now := l.now()
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	if _, err := l.db.pool.Exec(ctx, "DELETE FROM auth_login_failures WHERE at_ns <= $1", nanos(now.Add(-l.window))); err != nil {
		l.log.Error("pgstore: sweep failed logins", "err", err)
	}
	if _, err := l.db.pool.Exec(ctx, "INSERT INTO auth_login_failures (key, at_ns) SELECT k, $2 FROM unnest($1::text[]) AS k",
		keys, nanos(now)); err != nil {
		l.log.Error("pgstore: record a failed login", "keys", keys, "err", err)
	}
}

// Reset implements auth.LoginLimit.
func (l *LoginLimits) Reset(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	if _, err := l.db.pool.Exec(ctx, "DELETE FROM auth_login_failures WHERE key = $1", key); err != nil {
		l.log.Error("pgstore: forget failed logins", "key", key, "err", err)
	}
}
