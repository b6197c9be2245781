package serve

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/wait"
)

// The live privacy analysis on a scaled-out API node (privacy.analyse).
// The analysis needs every audit event and ADT message of the trust in
// one process, and a detect node sees only its partitions' hosts, so an
// API node with the flag follows the events the detect nodes store in
// PostgreSQL (privacyfollow.go) into a privacy.Live built as the single
// process builds it, analyses every privacy.every and saves each analysis
// to privacy_cases under its node name. It then serves the whole privacy
// console and GET /api/v1/privacy/cases from the live analysis, with the
// decisions in privacy_decisions, which every API node shares. Two nodes
// with the flag analyse the same events and overwrite each other's saves
// with the same cases: no lease is needed.

// validatePrivacyNode checks privacy.analyse against the role and the
// shared database, and names the node its saves are made under.
func (c *Config) validatePrivacyNode() error {
	if !c.Privacy.Analyse {
		return nil
	}
	switch {
	case c.Role != RoleAPI:
		return fmt.Errorf("config key privacy.analyse: valid only with role api, not %s: the single process (role all) always runs the analysis, "+
			"and ingest and detect nodes do not see every audit event", c.Role)
	case c.Store.Postgres.DSN == "":
		return fmt.Errorf("config key privacy.analyse: needs store.postgres.dsn, the shared database whose stored events are analysed and where the cases are saved")
	case !c.Store.Postgres.StoresEvents():
		return fmt.Errorf("config key privacy.analyse: needs the events the detect nodes store in PostgreSQL, but store.postgres.events is false")
	}
	return c.defaultNode()
}

// openPrivacyNode prepares the live analysis of an API node: the guardian
// with its files, saving through the shared database (whose last analysis
// it serves until its own first), and the follower of the stored events.
func (s *Service) openPrivacyNode() error {
	live := s.newPrivacy()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := live.SaveCasesTo(ctx, s.node.db.PrivacyCases(), s.cfg.Node); err != nil {
		return fmt.Errorf("config key privacy.analyse: read the saved privacy cases: %w", err)
	}
	if err := s.loadPrivacyFiles(live); err != nil {
		return err
	}
	s.privacy = live
	s.node.follow = newPrivacyFollower(s.node.events, live, s.log.With("component", "privacy-follow"))
	if lb := s.cfg.Privacy.Lookback; lb > 0 {
		s.node.follow.feed.since = time.Now().Add(-lb)
	}
	return nil
}

// runPrivacyNode rebuilds the guardian's inputs from what the shared
// database holds and analyses them once, then follows the stored events
// and analyses every privacy.every, until ctx ends. The schedule starts
// only after the rebuild, so that an analysis of part of the history
// never replaces a complete one in privacy_cases.
func (s *Service) runPrivacyNode(ctx context.Context) error {
	f := s.node.follow
	if !s.rebuildPrivacyNode(ctx, f) {
		return nil // ctx ended
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		f.follow(gctx)
		return nil
	})
	g.Go(func() error {
		if err := s.privacy.Run(gctx, s.cfg.Privacy.Every); err != nil && gctx.Err() == nil {
			return fmt.Errorf("privacy analysis: %w", err)
		}
		return nil
	})
	return g.Wait()
}

// rebuildPrivacyNode catches the follower up with the stored events,
// leaving out audit events before privacy.lookback as the single process
// does at start, and analyses once. A failure (the database not
// answering) is logged and the catch-up resumes from where it stopped.
// It reports false when ctx ended first.
func (s *Service) rebuildPrivacyNode(ctx context.Context, f *privacyFollower) bool {
	began := time.Now()
	for {
		err := f.catchUp(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return false
		}
		s.log.Warn("privacy rebuild: reading the stored events failed; trying again", "err", err)
		if wait.Sleep(ctx, f.every) != nil {
			return false
		}
	}
	f.feed.since = time.Time{} // events arriving from now on are fed whatever their time, as the detector feeds them
	got := *f.feed.got
	got.Read = time.Since(began)
	if got.Audit+got.Care > 0 {
		s.privacy.Analyse()
		got.Analysed = time.Since(began) - got.Read
	}
	s.log.Info("privacy inputs rebuilt from the stored events", "partitions", len(f.pos), "read", got.FromStore,
		"audit_events", got.Audit, "care_records", got.Care, "too_old", got.TooOld, "bad", got.Bad,
		"took", got.Read.Round(time.Millisecond), "analysed", got.Analysed.Round(time.Millisecond))
	return true
}
