package notify

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/wait"
)

// Options tune a Dispatcher. Zero values take the defaults.
type Options struct {
	MinLevel string        // lowest level notified: "high" by default
	QueueLen int           // alerts waiting per target; when full the lowest-level oldest is dropped (default 4096)
	Retries  int           // further attempts after a failed send (default 3; negative: none)
	Backoff  time.Duration // wait before the first retry, doubling each time up to a minute (default 1s)
	Timeout  time.Duration // bound on one send (default 10s)
	Workers  int           // sends in flight at once per target (default 4), so that a burst is not sent one round trip at a time
	Throttle time.Duration // at most one notification per alert ID per target in this time (default 15m; negative: off)
	Drain    time.Duration // how long Run goes on sending queued alerts after its context ends (default 5s)
}

const maxBackoff = time.Minute

func (o Options) withDefaults() Options {
	if o.MinLevel == "" {
		o.MinLevel = "high"
	}
	if o.QueueLen <= 0 {
		o.QueueLen = 4096
	}
	if o.Retries == 0 {
		o.Retries = 3
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Throttle == 0 {
		o.Throttle = 15 * time.Minute
	}
	if o.Drain <= 0 {
		o.Drain = 5 * time.Second
	}
	return o
}

// TargetStats counts what happened to one target's notifications.
type TargetStats struct {
	Sent      uint64 `json:"sent"`
	Failed    uint64 `json:"failed"`    // given up after the retries, or refused for good
	Dropped   uint64 `json:"dropped"`   // pushed out of a full queue, or left when the drain ended
	Throttled uint64 `json:"throttled"` // not sent: the same alert was notified within Throttle
	Queued    int    `json:"queued"`    // waiting now
}

// add adds o's counts to s.
func (s *TargetStats) add(o TargetStats) {
	s.Sent += o.Sent
	s.Failed += o.Failed
	s.Dropped += o.Dropped
	s.Throttled += o.Throttled
	s.Queued += o.Queued
}

// Stats maps each target's Name to its counts; targets of one Name (two
// webhooks on one host) are summed. A route taken away by SetRoutes takes
// its counts with it.
type Stats map[string]TargetStats

// Dispatcher fans alerts out to routes, each with its own bounded queue
// and workers so that a slow target never delays the others. Its routes
// may be replaced while it runs (SetRoutes).
type Dispatcher struct {
	opts    Options
	minRank int // the rank of Options.MinLevel
	log     *slog.Logger
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error

	mu      sync.RWMutex
	lanes   []*lane         // in the order the routes were given
	runCtx  context.Context // Run's, once it has started; nil before
	stopped bool            // Run's context has ended: no worker starts any more
	workers sync.WaitGroup
}

// NewDispatcher returns a Dispatcher for targets, each a route at
// Options.MinLevel keyed by its position ("0", "1", ...). An unknown
// MinLevel is treated as "high" and logged; a nil log discards.
func NewDispatcher(targets []Target, opts Options, log *slog.Logger) *Dispatcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts = opts.withDefaults()
	rank := alert.LevelRank(opts.MinLevel)
	if rank == 0 {
		log.Warn("notify: unknown min_level, using high", "min_level", opts.MinLevel)
		rank = alert.LevelRank("high")
	}
	d := &Dispatcher{opts: opts, minRank: rank, log: log, now: time.Now, sleep: wait.Sleep}
	routes := make([]Route, len(targets))
	for i, t := range targets {
		routes[i] = Route{Key: strconv.Itoa(i), Target: t}
	}
	d.SetRoutes(routes)
	return d
}

// Notify queues a copy of a for every route whose lowest level a reaches,
// unless the same alert ID was queued for that route within Throttle. It
// never blocks.
func (d *Dispatcher) Notify(a *alert.Alert) {
	if a == nil {
		return
	}
	rank := alert.LevelRank(a.Level)
	var c *alert.Alert // copied once, for the first route that takes it
	now := d.now()
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, l := range d.lanes {
		if rank < l.minRank {
			continue
		}
		if c == nil {
			c = copyAlert(a)
		}
		l.offer(c, now, d.opts.Throttle)
	}
}

// Stats returns the counts of every target so far.
func (d *Dispatcher) Stats() Stats {
	d.mu.RLock()
	defer d.mu.RUnlock()
	s := make(Stats, len(d.lanes))
	for _, l := range d.lanes {
		st := s[l.target.Name()]
		st.add(l.stats())
		s[l.target.Name()] = st
	}
	return s
}

// Run sends queued alerts until ctx is done, then goes on for at most
// Drain sending what is still queued, without retries, and returns. Routes
// that SetRoutes adds meanwhile are served as well. Call it once.
func (d *Dispatcher) Run(ctx context.Context) error {
	d.mu.Lock()
	d.runCtx = ctx
	for _, l := range d.lanes {
		d.startLocked(l)
	}
	d.mu.Unlock()
	<-ctx.Done()
	d.mu.Lock()
	d.stopped = true // after this no Add races the Wait below
	d.mu.Unlock()
	d.workers.Wait()
	return nil
}

// startLocked starts l's workers if Run is running. The caller holds mu.
func (d *Dispatcher) startLocked(l *lane) {
	if d.runCtx == nil || d.stopped {
		return
	}
	ctx, cancel := context.WithCancel(d.runCtx)
	l.cancel = cancel
	for range d.opts.Workers {
		d.workers.Go(func() { d.work(ctx, l) })
	}
}

// work is one of a lane's workers. Its context ends when Run's does (it
// then drains the lane) or when the lane is taken away (it just stops).
func (d *Dispatcher) work(ctx context.Context, l *lane) {
	for {
		a, ok := l.pop()
		if !ok {
			select {
			case <-l.ready:
				continue
			case <-ctx.Done():
				d.finish(l)
				return
			}
		}
		l.wake() // more queued: let another worker send it meanwhile
		d.deliver(ctx, l, a)
		if ctx.Err() != nil {
			d.finish(l)
			return
		}
	}
}

// finish drains l when the Dispatcher is stopping, and leaves it when it
// was taken away: a removed target is not to be told any more.
func (d *Dispatcher) finish(l *lane) {
	if !l.removed.Load() {
		d.drain(l)
	}
}

// deliver sends a with retries and exponential backoff, honouring a
// receiver's Retry-After.
func (d *Dispatcher) deliver(ctx context.Context, l *lane, a *alert.Alert) {
	wait := d.opts.Backoff
	for attempt := 0; ; attempt++ {
		err := d.sendOnce(ctx, l.target, a)
		if err == nil {
			l.count(func(s *TargetStats) { s.Sent++ })
			return
		}
		if isPermanent(err) || attempt >= d.opts.Retries || ctx.Err() != nil {
			d.log.Warn("notify: send failed", "target", l.target.Name(), "alert", a.ID, "attempts", attempt+1, "err", err)
			l.count(func(s *TargetStats) { s.Failed++ })
			return
		}
		pause := wait
		if h := waitHint(err); h > 0 {
			pause = min(h, maxBackoff)
		}
		d.log.Debug("notify: retrying", "target", l.target.Name(), "alert", a.ID, "in", pause, "err", err)
		if d.sleep(ctx, pause) != nil {
			l.count(func(s *TargetStats) { s.Failed++ })
			return
		}
		wait = min(2*wait, maxBackoff)
	}
}

func (d *Dispatcher) sendOnce(ctx context.Context, t Target, a *alert.Alert) error {
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	return t.Send(ctx, a)
}

// drain sends what l still holds, once each, within Drain; what is left
// after that is counted as dropped.
func (d *Dispatcher) drain(l *lane) {
	ctx, cancel := context.WithTimeout(context.Background(), d.opts.Drain)
	defer cancel()
	for {
		a, ok := l.pop()
		if !ok {
			return
		}
		if ctx.Err() != nil {
			l.count(func(s *TargetStats) { s.Dropped++ })
			continue
		}
		if err := d.sendOnce(ctx, l.target, a); err != nil {
			d.log.Warn("notify: send failed while draining", "target", l.target.Name(), "alert", a.ID, "err", err)
			l.count(func(s *TargetStats) { s.Failed++ })
			continue
		}
		l.count(func(s *TargetStats) { s.Sent++ })
	}
}
