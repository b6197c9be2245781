package auth

import (
	"sync"
	"time"
)

// Login rate limit defaults: after DefaultLoginFailures failed logins
// within DefaultLoginWindow for one account, or from one address, further
// attempts are refused until the oldest failure leaves the window.
const (
	DefaultLoginFailures = 5
	DefaultLoginWindow   = 15 * time.Minute
	// maxLimiterKeys bounds the limiter's memory; when full, it forgets
	// keys whose failures all left the window, then the oldest.
	maxLimiterKeys = 100_000
)

// LoginLimit counts failed logins per key (an account, "user:NAME"; a
// client address, "addr:HOST") in a sliding window: after Max failures
// within Window for a key, attempts are refused until the oldest of them
// leaves it. *LoginLimiter keeps them in one process's memory; a table
// every API node shares (internal/pgstore) makes N nodes allow what one
// does, not N times as many. Every implementation passes the suite in
// auth/authtest. The methods return no errors: a shared store that
// cannot answer logs it and lets the attempt through, as the accounts it
// is checked against are kept in the same database.
type LoginLimit interface {
	// Check returns how long until an attempt is allowed for every key:
	// zero when it is allowed now.
	Check(keys ...string) time.Duration
	// Fail records a failed attempt against every key.
	Fail(keys ...string)
	// Reset forgets key's failures (an account that logged in).
	Reset(key string)
}

var _ LoginLimit = (*LoginLimiter)(nil)

// LoginLimiter counts failed logins per key (an account, an address) in
// a sliding window, in memory: the LoginLimit of one process.
type LoginLimiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	fails map[string][]time.Time
}

// NewLoginLimiter returns a limiter with the defaults.
func NewLoginLimiter() *LoginLimiter {
	return &LoginLimiter{Max: DefaultLoginFailures, Window: DefaultLoginWindow, Now: time.Now, fails: map[string][]time.Time{}}
}

// Check returns how long until an attempt is allowed for every key: zero
// when it is allowed now.
func (l *LoginLimiter) Check(keys ...string) time.Duration {
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		f := l.recent(k, now)
		if len(f) >= l.Max {
			wait = max(wait, f[len(f)-l.Max].Add(l.Window).Sub(now))
		}
	}
	return wait
}

// Fail records a failed attempt against every key.
func (l *LoginLimiter) Fail(keys ...string) {
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		f := l.recent(k, now)
		if f == nil && len(l.fails) >= maxLimiterKeys {
			l.sweep(now)
		}
		if len(f) >= l.Max { // older failures no longer decide anything
			f = f[1:]
		}
		l.fails[k] = append(f, now)
	}
}

// Reset forgets key's failures (an account that logged in).
func (l *LoginLimiter) Reset(key string) {
	l.mu.Lock()
	delete(l.fails, key)
	l.mu.Unlock()
}

// recent returns key's failures within the window, dropping older ones.
// Called with l.mu held.
func (l *LoginLimiter) recent(key string, now time.Time) []time.Time {
	f := l.fails[key]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= l.Window {
		i++
	}
	if i == len(f) {
		delete(l.fails, key)
		return nil
	}
	return f[i:]
}

// sweep drops keys with no failure in the window and, if still full, an
// arbitrary half. Called with l.mu held.
func (l *LoginLimiter) sweep(now time.Time) {
	for k := range l.fails {
		l.recent(k, now)
	}
	for k := range l.fails {
		if len(l.fails) < maxLimiterKeys/2 {
			break
		}
		delete(l.fails, k)
	}
}
