package privacy

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// liveSave is where a Live keeps its cases between runs of the server.
type liveSave struct {
	store  CaseStore
	by     string // SavedCases.SavedBy
	raised map[string]time.Time
	saving sync.Mutex // one save at a time
}

// SaveCases makes every later analysis save its cases, with when each was
// first raised, to dir's CasesFile (dir is created), for LoadSummary and
// for the next start. The cases saved there before are served by Cases
// until the first analysis completes, so that a restart shows no gap.
func (l *Live) SaveCases(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("privacy state folder: %w", err)
	}
	return l.SaveCasesTo(context.Background(), NewCaseFile(dir), "")
}

// SaveCasesTo is SaveCases through store, each save naming the node by
// (SavedCases.SavedBy; "" for the single process): a scaled-out node
// saves to the shared database. What store holds is served until the
// first analysis, and its raised moments are kept.
func (l *Live) SaveCasesTo(ctx context.Context, store CaseStore, by string) error {
	sc, err := store.LoadCases(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.save = &liveSave{store: store, by: by, raised: sc.Raised}
	if !sc.AnalysedAt.IsZero() {
		l.saved = sc
	}
	l.mu.Unlock()
	return nil
}

// lastCases returns the cases and summary of the last analysis: this
// run's, else the one saved before the start; ok is false when neither.
func (l *Live) lastCases() (cases []Case, sum *Summary, ok bool) {
	if res := l.res.Load(); res != nil {
		return res.Cases, &res.Summary, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.saved == nil {
		return nil, nil, false
	}
	return l.saved.Cases, &l.saved.Summary, true
}

// saveResult saves res as the last analysis at now, if SaveCases was
// called; a failure is logged (the previous save still stands).
func (l *Live) saveResult(res *Result, now time.Time) {
	l.mu.Lock()
	s := l.save
	if s == nil {
		l.mu.Unlock()
		return
	}
	for _, c := range res.Cases {
		if _, ok := s.raised[c.ID]; !ok {
			s.raised[c.ID] = now
		}
	}
	// A copy of raised, so that the save (a database's round trip) runs
	// without the lock that AddEvent takes.
	sc := &SavedCases{AnalysedAt: now, Summary: res.Summary, Cases: res.Cases, Raised: maps.Clone(s.raised), SavedBy: s.by}
	s.saving.Lock()
	l.mu.Unlock()
	defer s.saving.Unlock()
	if err := s.store.SaveCases(context.Background(), sc); err != nil {
		l.log.Warn("privacy: cases not saved", "saved_by", s.by, "err", err)
	}
}

// OpenState keeps the live analysis's state in dir (StateDir in the data
// folder): the cases of every analysis (SaveCases) and the decision log
// (DecisionsFile), which Decisions then returns. Close releases it.
func (l *Live) OpenState(dir string) error {
	if err := l.SaveCases(dir); err != nil {
		return err
	}
	dl, err := OpenDecisionLog(filepath.Join(dir, DecisionsFile))
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.decisions = dl
	l.mu.Unlock()
	return nil
}

// Decisions returns the decision log in the state folder, nil before
// OpenState.
func (l *Live) Decisions() *DecisionLog {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.decisions
}

// Close releases the state folder's files.
func (l *Live) Close() error {
	if dl := l.Decisions(); dl != nil {
		return dl.Close()
	}
	return nil
}
