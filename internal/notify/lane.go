package notify

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// lane is one route's bounded queue, throttle memory and counts.
type lane struct {
	key     string
	target  Target
	ready   chan struct{} // signalled when the queue gains an alert
	minRank int           // the lowest level rank sent; changed under the Dispatcher's mu
	// cancel ends the lane's workers (nil until they start); removed
	// says that SetRoutes took the lane away, so they leave its queue.
	cancel  context.CancelFunc
	removed atomic.Bool

	mu      sync.Mutex
	queue   []*alert.Alert // ring of cap max
	head, n int
	last    map[string]time.Time // alert ID -> when last queued
	sweepAt int                  // len(last) at which old entries are swept
	st      TargetStats
}

func newLane(key string, t Target, max int) *lane {
	return &lane{key: key, target: t, ready: make(chan struct{}, 1), queue: make([]*alert.Alert, max), last: map[string]time.Time{}, sweepAt: 1024}
}

// offer queues a unless throttled; when the queue is full the oldest of
// its lowest-level alerts is dropped (see evict).
func (l *lane) offer(a *alert.Alert, now time.Time, throttle time.Duration) {
	l.mu.Lock()
	if throttle > 0 {
		if t, ok := l.last[a.ID]; ok && now.Sub(t) < throttle {
			l.st.Throttled++
			l.mu.Unlock()
			return
		}
		l.last[a.ID] = now
		l.sweep(now, throttle)
	}
	if l.n == len(l.queue) && !l.evict(a) {
		l.st.Dropped++ // everything queued matters more than a
		l.mu.Unlock()
		return
	}
	l.queue[(l.head+l.n)%len(l.queue)] = a
	l.n++
	l.mu.Unlock()
	l.signal()
}

// signal tells one waiting worker that the queue has alerts.
func (l *lane) signal() {
	select {
	case l.ready <- struct{}{}:
	default:
	}
}

// wake signals another worker when alerts are still queued.
func (l *lane) wake() {
	l.mu.Lock()
	more := l.n > 0
	l.mu.Unlock()
	if more {
		l.signal()
	}
}

// evict makes room for a in a full queue by dropping the oldest alert of
// the lowest level queued, if that level is not above a's: in a burst, a
// critical alert is not lost to make room for low ones. It reports
// whether it made room. The caller holds mu.
func (l *lane) evict(a *alert.Alert) bool {
	victim, rank := -1, alert.LevelRank(a.Level)
	for i := range l.n {
		if r := alert.LevelRank(l.queue[(l.head+i)%len(l.queue)].Level); r <= rank && (victim < 0 || r < rank) {
			victim, rank = i, r
		}
	}
	if victim < 0 {
		return false
	}
	for i := victim; i > 0; i-- { // close the gap, keeping the order
		l.queue[(l.head+i)%len(l.queue)] = l.queue[(l.head+i-1)%len(l.queue)]
	}
	l.queue[l.head] = nil
	l.head = (l.head + 1) % len(l.queue)
	l.n--
	l.st.Dropped++
	return true
}

// sweep forgets alerts whose throttle has passed, once the memory has
// doubled since the last sweep, so that it stays bounded by the alerts of
// one throttle period. The caller holds mu.
func (l *lane) sweep(now time.Time, throttle time.Duration) {
	if len(l.last) < l.sweepAt {
		return
	}
	for id, t := range l.last {
		if now.Sub(t) >= throttle {
			delete(l.last, id)
		}
	}
	l.sweepAt = max(1024, 2*len(l.last))
}

// pop takes the oldest queued alert.
func (l *lane) pop() (*alert.Alert, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return nil, false
	}
	a := l.queue[l.head]
	l.queue[l.head] = nil
	l.head = (l.head + 1) % len(l.queue)
	l.n--
	return a, true
}

func (l *lane) count(f func(*TargetStats)) {
	l.mu.Lock()
	f(&l.st)
	l.mu.Unlock()
}

func (l *lane) stats() TargetStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.st
	s.Queued = l.n
	return s
}
