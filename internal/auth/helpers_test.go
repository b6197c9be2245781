package auth

import (
	"sync"
	"time"
)

// cheapArgon2 keeps tests fast; DefaultArgon2 is tested once on its own.
var cheapArgon2 = Argon2Params{Memory: 64, Time: 1, Threads: 1}

// clock is a settable clock for the stores' Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 6, 3, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
