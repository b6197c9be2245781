package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/auth"
)

// maxSessions bounds the sessions held, as the memory store does.
const maxSessions = 100_000

// Sessions is the console session store in PostgreSQL (auth.SessionStore),
// shared by every API node behind a load balancer: a login on one is valid
// on the others, and a logout on one ends it on all. A session is kept by
// the SHA-256 of its id. Get writes the session's last use, so that the
// idle limit counts requests to any node.
type Sessions struct {
	db        *DB
	log       *slog.Logger
	ttl, idle time.Duration
	now       func() time.Time
}

var _ auth.SessionStore = (*Sessions)(nil)

// SessionOptions are a session store's lifetimes and clock; zero values
// take auth's defaults and time.Now.
type SessionOptions struct {
	TTL, Idle time.Duration
	Now       func() time.Time
}

// Sessions returns the DB's session store. Errors of Get, Delete and
// DeleteUser, whose interface returns none, are logged to the DB's
// logger: Get then refuses the session.
func (db *DB) Sessions(o SessionOptions) *Sessions {
	s := &Sessions{db: db, log: db.log, ttl: o.TTL, idle: o.Idle, now: o.Now}
	if s.ttl <= 0 {
		s.ttl = auth.DefaultSessionTTL
	}
	if s.idle <= 0 {
		s.idle = auth.DefaultSessionIdle
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Lifetime implements auth.SessionStore.
func (s *Sessions) Lifetime() time.Duration { return s.ttl }

// New implements auth.SessionStore: expired sessions are swept first, and
// a store holding maxSessions refuses with auth.ErrTooManySessions.
func (s *Sessions) New(user string, role auth.Role) (string, auth.Session, error) {
	id, csrf := auth.NewSessionID()
	key := auth.SessionKey(id)
	now := s.now()
	sess := auth.Session{User: user, Role: role, CSRF: csrf, Created: now, LastSeen: now}
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	created, seen := nanos(now.Add(-s.ttl)), nanos(now.Add(-s.idle))
	if _, err := s.db.pool.Exec(ctx, "DELETE FROM auth_sessions WHERE created_ns <= $1 OR last_seen_ns <= $2", created, seen); err != nil {
		return "", auth.Session{}, fmt.Errorf("pgstore: sweep expired sessions: %w", err)
	}
	tag, err := s.db.pool.Exec(ctx, `INSERT INTO auth_sessions (key, user_name, role, csrf, created_ns, last_seen_ns)
		SELECT $1, $2, $3, $4, $5, $5 WHERE (SELECT count(*) FROM auth_sessions) < $6`,
		key[:], user, string(role), csrf, nanos(now), maxSessions)
	if err != nil {
		return "", auth.Session{}, fmt.Errorf("pgstore: open a session for %q: %w", user, err)
	}
	if tag.RowsAffected() == 0 {
		return "", auth.Session{}, auth.ErrTooManySessions
	}
	return id, sess, nil
}

// Get implements auth.SessionStore: one statement marks a live session
// used and returns it; an expired one is deleted.
func (s *Sessions) Get(id string) (auth.Session, bool) {
	key := auth.SessionKey(id)
	now := s.now()
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	var sess auth.Session
	var role string
	var created int64
	err := s.db.pool.QueryRow(ctx, `UPDATE auth_sessions SET last_seen_ns = $2
		WHERE key = $1 AND created_ns > $3 AND last_seen_ns > $4
		RETURNING user_name, role, csrf, created_ns`,
		key[:], nanos(now), nanos(now.Add(-s.ttl)), nanos(now.Add(-s.idle))).Scan(&sess.User, &role, &sess.CSRF, &created)
	if err == nil {
		sess.Role, sess.Created, sess.LastSeen = auth.Role(role), time.Unix(0, created).UTC(), now
		return sess, true
	}
	if !noRows(err) {
		s.log.Error("pgstore: read a session; refusing it", "err", err)
		return auth.Session{}, false
	}
	s.exec("delete an expired session", "DELETE FROM auth_sessions WHERE key = $1", key[:])
	return auth.Session{}, false
}

// Delete implements auth.SessionStore.
func (s *Sessions) Delete(id string) {
	key := auth.SessionKey(id)
	s.exec("delete a session", "DELETE FROM auth_sessions WHERE key = $1", key[:])
}

// DeleteUser implements auth.SessionStore.
func (s *Sessions) DeleteUser(user string) {
	s.exec("delete the sessions of "+user, "DELETE FROM auth_sessions WHERE user_name = $1", user)
}

// exec runs one statement of the session store, logging a failure.
func (s *Sessions) exec(what, sql string, args ...any) {
	ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
	defer cancel()
	if _, err := s.db.pool.Exec(ctx, sql, args...); err != nil {
		s.log.Error("pgstore: "+what, "err", err)
	}
}

func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
