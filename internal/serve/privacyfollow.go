package serve

import (
	"context"
	"log/slog"
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
}

// newPrivacyFollower returns a follower of events from their start,
// feeding live.
func newPrivacyFollower(events storedPartitions, live *privacy.Live, log *slog.Logger) *privacyFollower {
	var only []pgstore.LogSource
	for _, src := range privacy.InputSources() {
		only = append(only, pgstore.LogSource{Product: src.Product, Service: src.Service})
	}
	return &privacyFollower{
		events: events, feed: &privacyFeed{live: live, got: &privacyRebuild{}}, only: only,
		pos: map[int]uint64{}, every: privacyFollowEvery, page: privacyFollowPage, log: log,
	}
}

// round reads one page of every partition after its position and feeds
// what it read; full reports whether any page was full (more waits).
func (f *privacyFollower) round(ctx context.Context) (full bool, err error) {
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
