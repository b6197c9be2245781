package serve

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/wait"
)

// Defaults of the follower of stored events: how often it looks for new
// ones when it has caught up, and how many events it reads of a
// partition at a time.
const (
	privacyFollowEvery = time.Second
	privacyFollowPage  = 1000
)

// storedPartitions reads the events the detect nodes store, per stream
// partition in sequence order (pgstore.EventStore).
type storedPartitions interface {
	Partitions(ctx context.Context) ([]int, error)
	ReadPartitionFrom(ctx context.Context, p int, after uint64, limit int, only []pgstore.LogSource) (pgstore.PartitionPage, error)
}

// privacyFollower feeds a live guardian the privacy inputs the detect
// nodes store, in order within each partition, after the last sequence it
// fed of each. A partition is a set of hosts (bus.PartitionOf), so the
// messages of one sending system (a PAS's ADT feed) keep their order; the
// analysis puts the accesses in time order itself. Only its goroutine
// uses it.
type privacyFollower struct {
	events storedPartitions
	feed   *privacyFeed        // decodes a record and feeds it as the single process's rebuild does
	only   []pgstore.LogSource // the inputs' log sources, read with their bytes; other events only move the position
	pos    map[int]uint64      // the last sequence read of each partition
	every  time.Duration
	page   int
	log    *slog.Logger
	now    func() time.Time
	stats  followStats
}

// followStats is a follower's progress, read by /metrics and the privacy
// page while the follower runs.
type followStats struct {
	fed      atomic.Int64 // privacy inputs read and fed to the guardian
	errors   atomic.Int64 // rounds that failed reading the stored events
	started  atomic.Int64 // when the follower was made, Unix nanoseconds
	caughtUp atomic.Int64 // the start of the last round that found no full page, Unix nanoseconds; 0: none yet
}

// lag is how far behind the follower is: the time since the start of the
// last round that read every partition to its end (so every event stored
// before then has been fed), or, before any, since the follower started.
// It costs no query; while the follower keeps up it stays within a round
// and a second (privacyFollowEvery), and it grows while pages come back
// full or reads fail.
func (st *followStats) lag(now time.Time) time.Duration {
	at := st.caughtUp.Load()
	if at == 0 {
		at = st.started.Load()
	}
	return now.Sub(time.Unix(0, at))
}

// lastCaughtUp is when the follower last caught up; zero before it first
// has.
func (st *followStats) lastCaughtUp() time.Time {
	if at := st.caughtUp.Load(); at != 0 {
		return time.Unix(0, at)
	}
	return time.Time{}
}

// newPrivacyFollower returns a follower of events from their start,
// feeding live.
func newPrivacyFollower(events storedPartitions, live *privacy.Live, log *slog.Logger) *privacyFollower {
	var only []pgstore.LogSource
	for _, src := range privacy.InputSources() {
		only = append(only, pgstore.LogSource{Product: src.Product, Service: src.Service})
	}
	f := &privacyFollower{
		events: events, feed: &privacyFeed{live: live, got: &privacyRebuild{}}, only: only,
		pos: map[int]uint64{}, every: privacyFollowEvery, page: privacyFollowPage, log: log, now: time.Now,
	}
	f.stats.started.Store(f.now().UnixNano())
	return f
}

// round reads one page of every partition after its position and feeds
// what it read; full reports whether any page was full (more waits).
// The round's start is the follower's last catch-up when no page was
// full. A failed round is counted unless ctx ended.
func (f *privacyFollower) round(ctx context.Context) (full bool, err error) {
	began := f.now()
	full, err = f.readRound(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		f.stats.errors.Add(1)
	case err == nil && !full:
		f.stats.caughtUp.Store(began.UnixNano())
	}
	return full, err
}

func (f *privacyFollower) readRound(ctx context.Context) (full bool, err error) {
	ps, err := f.events.Partitions(ctx)
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		page, err := f.events.ReadPartitionFrom(ctx, p, f.pos[p], f.page, f.only)
		if err != nil {
			return full, err
		}
		for _, r := range page.Records {
			if f.feed.record(r.Data) {
				f.feed.got.FromStore++
				f.stats.fed.Add(1)
			}
		}
		f.pos[p] = page.Last
		full = full || page.Full
	}
	return full, nil
}

// catchUp reads rounds until no page is full: every event stored when it
// began has been fed.
func (f *privacyFollower) catchUp(ctx context.Context) error {
	for {
		full, err := f.round(ctx)
		if err != nil || !full {
			return err
		}
	}
}

// follow reads a round every f.every, and at once again after a round
// with a full page, until ctx ends. A failed round is logged and tried
// again at the next tick from the positions reached.
func (f *privacyFollower) follow(ctx context.Context) {
	for {
		full, err := f.round(ctx)
		if err != nil && ctx.Err() == nil {
			f.log.Warn("privacy: reading the stored events failed; trying again", "err", err)
		}
		if full && err == nil && ctx.Err() == nil {
			continue
		}
		if wait.Sleep(ctx, f.every) != nil {
			return
		}
	}
}

// privacyFollowMetrics writes the analysing API node's progress through
// the stored events; nothing on a node that does not analyse.
func (s *Service) privacyFollowMetrics(m metricWriter) {
	if s.node == nil || s.node.follow == nil {
		return
	}
	st := &s.node.follow.stats
	m.one("vigil_privacy_follow_inputs_total", "counter", "Privacy inputs (audit events, ADT and SIU messages) read from the stored events and fed to the analysis.", float64(st.fed.Load()))
	m.one("vigil_privacy_follow_read_errors_total", "counter", "Rounds of reading the stored events that failed (tried again).", float64(st.errors.Load()))
	m.one("vigil_privacy_follow_lag_seconds", "gauge", "Seconds since the analysis last read every partition of the stored events to its end (since its start, before the first time).", st.lag(s.node.follow.now()).Seconds())
}

// privacyMetrics writes what the live guardian holds and has dropped to
// stay within its bound (privacy.Live.Stats); nothing when it does not run.
func (s *Service) privacyMetrics(m metricWriter) {
	if s.privacy == nil {
		return
	}
	st := s.privacy.Stats()
	m.one("vigil_privacy_accesses", "gauge", "Accesses to patients' records the live analysis holds.", float64(st.Accesses))
	m.one("vigil_privacy_accesses_dropped_total", "counter", "Accesses dropped, oldest first, to stay within the analysis's bound.", float64(st.AccessesDropped))
	m.one("vigil_privacy_care_messages_total", "counter", "ADT and SIU messages folded into the care records.", float64(st.CareMessages))
	m.one("vigil_privacy_patients", "gauge", "Patients whose identity the care records hold.", float64(st.Patients))
	m.one("vigil_privacy_episodes", "gauge", "Visits and appointments the care records hold.", float64(st.Episodes))
	m.one("vigil_privacy_episodes_dropped_total", "counter", "Visits and appointments dropped once they ended before the oldest access held.", float64(st.EpisodesDropped))
	m.one("vigil_privacy_links", "gauge", "Care relationships outside a visit (the clerk of a message, a registered carer) held.", float64(st.Links))
	m.one("vigil_privacy_links_dropped_total", "counter", "Care relationships outside a visit dropped once they ended before the oldest access held.", float64(st.LinksDropped))
}
