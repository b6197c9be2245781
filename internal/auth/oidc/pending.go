package oidc

import (
	"sync"
	"time"
)

// Bounds of the logins begun and not yet finished.
const (
	pendingTTL = 10 * time.Minute // how long a person has at the provider
	maxPending = 10_000           // beyond it, new logins wait for old ones to expire
)

// pending is what a begun login must find again at the callback.
type pending struct {
	nonce    string // the ID token must carry it
	verifier string // the PKCE code verifier
	next     string // the local page to go to after the login
	created  time.Time
}

// pendingStore holds begun logins by their state, each taken once.
type pendingStore struct {
	mu  sync.Mutex
	m   map[string]pending
	now func() time.Time
}

func newPendingStore(now func() time.Time) *pendingStore {
	return &pendingStore{m: map[string]pending{}, now: now}
}

// put keeps p under state; false when the store is full even after
// expired logins are swept.
func (s *pendingStore) put(state string, p pending) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxPending {
		s.sweep()
		if len(s.m) >= maxPending {
			return false
		}
	}
	s.m[state] = p
	return true
}

// take returns and forgets the login begun with state, if it has not
// expired: a state is good for one callback only.
func (s *pendingStore) take(state string) (pending, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[state]
	delete(s.m, state)
	if !ok || s.now().Sub(p.created) >= pendingTTL {
		return pending{}, false
	}
	return p, true
}

// sweep forgets expired logins. Called with s.mu held.
func (s *pendingStore) sweep() {
	now := s.now()
	for k, p := range s.m {
		if now.Sub(p.created) >= pendingTTL {
			delete(s.m, k)
		}
	}
}
