package privacy

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// liveSave is where a Live keeps its cases between runs of the server.
type liveSave struct {
	dir    string
	raised map[string]time.Time
}

// SaveCases makes every later analysis save its cases, with when each was
// first raised, to dir's CasesFile (dir is created), for LoadSummary and
// for the next start. The cases saved there before are served by Cases
// until the first analysis completes, so that a restart shows no gap.
func (l *Live) SaveCases(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("privacy state folder: %w", err)
	}
	sc, err := loadCases(dir)
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.save = &liveSave{dir: dir, raised: sc.Raised}
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
// called; a failure is logged (the previous file still stands).
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
	sc := &SavedCases{AnalysedAt: now, Summary: res.Summary, Cases: res.Cases, Raised: s.raised}
	err := saveCases(s.dir, sc) // under the lock: raised is shared
	l.mu.Unlock()
	if err != nil {
		l.log.Warn("privacy: cases not saved", "folder", s.dir, "err", err)
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
