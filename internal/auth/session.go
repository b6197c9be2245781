package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"
)

// Session lifetimes: a session ends DefaultSessionTTL after login (a
// working shift) or DefaultSessionIdle after its last request, whichever
// comes first.
const (
	DefaultSessionTTL  = 8 * time.Hour
	DefaultSessionIdle = 30 * time.Minute
	// maxSessions bounds the store; logins beyond it are refused until
	// sessions expire, rather than memory growing without limit.
	maxSessions = 100_000
)

// ErrTooManySessions is returned by Sessions.New when the store is full.
var ErrTooManySessions = errors.New("too many open sessions: try again later")

// Session is a logged-in user's session, held in the service's memory only:
// a restart logs everyone out.
type Session struct {
	User     string
	Role     Role
	CSRF     string // the synchroniser token every change must carry
	Created  time.Time
	LastSeen time.Time
}

// Sessions is the server-side session store. It keys sessions by the
// SHA-256 of their id, so the ids themselves are not kept.
type Sessions struct {
	TTL, Idle time.Duration
	Now       func() time.Time

	mu sync.Mutex
	m  map[[32]byte]*Session
}

// NewSessions returns an empty store with the default lifetimes.
func NewSessions() *Sessions {
	return &Sessions{TTL: DefaultSessionTTL, Idle: DefaultSessionIdle, Now: time.Now, m: map[[32]byte]*Session{}}
}

// New opens a session for user and returns its id (256 random bits, for
// the cookie) and the session with its CSRF token.
func (s *Sessions) New(user string, role Role) (string, Session, error) {
	id, csrf := NewSessionID()
	now := s.Now()
	sess := Session{User: user, Role: role, CSRF: csrf, Created: now, LastSeen: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxSessions {
		s.expire(now)
		if len(s.m) >= maxSessions {
			return "", Session{}, ErrTooManySessions
		}
	}
	s.m[SessionKey(id)] = &sess
	return id, sess, nil
}

// Get returns the live session with id and marks it used; an expired one
// is deleted and not returned.
func (s *Sessions) Get(id string) (Session, bool) {
	key := SessionKey(id)
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[key]
	if !ok {
		return Session{}, false
	}
	if s.expired(sess, now) {
		delete(s.m, key)
		return Session{}, false
	}
	sess.LastSeen = now
	return *sess, true
}

// Delete ends the session with id (logout); its cookie is refused after.
func (s *Sessions) Delete(id string) {
	s.mu.Lock()
	delete(s.m, SessionKey(id))
	s.mu.Unlock()
}

// DeleteUser ends every session of user, as when the account changes.
func (s *Sessions) DeleteUser(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, sess := range s.m {
		if sess.User == user {
			delete(s.m, k)
		}
	}
}

// Len is the number of sessions held, expired ones not yet swept included.
func (s *Sessions) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

func (s *Sessions) expired(sess *Session, now time.Time) bool {
	return now.Sub(sess.Created) >= s.TTL || now.Sub(sess.LastSeen) >= s.Idle
}

// expire sweeps expired sessions. Called with s.mu held.
func (s *Sessions) expire(now time.Time) {
	for k, sess := range s.m {
		if s.expired(sess, now) {
			delete(s.m, k)
		}
	}
}

// random256 returns 256 random bits, URL-safe base64.
func random256() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
