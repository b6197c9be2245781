package serve

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/estate"
)

// knownAssets are the assets known now, imported (estate.assets) and
// learned, checked against the feeds: the learned ones are this process's
// inventory in role all, and on an API node those every detect node saved
// in the shared database, merged per host (estate.Store.Learned).
func (s *Service) knownAssets(ctx context.Context, at time.Time) ([]estate.Finding, error) {
	if s.node == nil {
		return s.estate.assets(at, s.cfg.Estate.LearnedMaxAge), nil
	}
	learned, _, err := s.nodeEstate(s.node.db).Learned(ctx)
	if err != nil {
		return nil, err
	}
	return s.estate.check(learned, at), nil
}

// learnOnDetect makes a detect node learn assets from the events of the
// partitions it holds, through the same bounded side channel as role all
// (the partition detector offers each decoded event and never waits).
func (s *Service) learnOnDetect() {
	s.estate = newEstateWatch()
	s.node.part.estate = s.estate
}

// runNodeEstate runs a detect node's inventory until stop is called (once
// the node has left the group and offers nothing more), saving what it
// learned under the node's name every estateSaveEvery and at the end.
func (s *Service) runNodeEstate(g *errgroup.Group) (stop func()) {
	ctx, stop := context.WithCancel(context.Background())
	g.Go(func() error { return s.estate.run(ctx, s.saveNodeEstate) })
	return stop
}

// saveNodeEstate replaces the node's learned assets in the shared
// database. A save that fails is logged and the node goes on: each save
// is whole, so the next one makes up for it, and detection must not stop
// for the inventory.
func (s *Service) saveNodeEstate() error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	assets := s.estate.inv.Assets()
	if err := s.nodeEstate(s.node.db).SaveLearned(ctx, s.cfg.Node, assets); err != nil {
		s.log.Error("estate: save the learned assets; the next save tries again", "node", s.cfg.Node, "assets", len(assets), "err", err)
	}
	return nil
}

// estateMetrics writes a detect node's side channel: events the inventory
// learned from and those passed over while its queue was full.
func (s *Service) estateMetrics(m metricWriter) {
	if s.estate == nil {
		return
	}
	m.one("vigil_estate_observed_total", "counter", "Events the asset inventory learned from.", float64(s.estate.observed.Load()))
	m.one("vigil_estate_dropped_total", "counter", "Events passed over while the asset inventory's queue was full.", float64(s.estate.dropped.Load()))
}
