package privacy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// DecisionLog keeps the privacy officer's decisions on cases in a file of
// JSON lines, one line per change, so that outcomes and the 72-hour
// breach clocks outlive a restart. Each line is the change itself (an
// outcome recorded, a breach confirmed), replayed through Decisions at
// open, so the file and the rules of Decisions cannot disagree. It is
// safe for concurrent use.
type DecisionLog struct {
	mu   sync.Mutex
	ds   *Decisions
	f    *os.File
	path string
}

// decisionOp is one line of the decision log.
type decisionOp struct {
	Op      string    `json:"op"` // opOutcome or opBreach
	CaseID  string    `json:"case_id"`
	Outcome Outcome   `json:"outcome,omitempty"`
	By      string    `json:"by,omitempty"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
}

// Operations of the decision log.
const (
	opOutcome = "outcome" // Decisions.Record
	opBreach  = "breach"  // Decisions.ConfirmBreach
)

// OpenDecisionLog opens (creating it if need be) the decision log at path
// and replays it. A torn last line, left by a crash while it was written,
// is cut off; any other line that does not read is an error naming the
// file and line, since dropping a decision silently could hide a breach
// clock.
func OpenDecisionLog(path string) (*DecisionLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the decision log: %w", err)
	}
	ds := NewDecisions()
	good, err := replayDecisions(f, path, ds)
	if err == nil {
		err = cutTorn(f, good)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &DecisionLog{ds: ds, f: f, path: path}, nil
}

// replayDecisions applies every whole line of r to ds and returns the
// byte offset where the whole lines end.
func replayDecisions(r io.Reader, path string, ds *Decisions) (int64, error) {
	br := bufio.NewReader(r)
	var off int64
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return off, nil // b, if any, is a torn line
		}
		if err != nil {
			return off, fmt.Errorf("read the decision log %s: %w", path, err)
		}
		if err := applyDecision(ds, bytes.TrimSpace(b)); err != nil {
			return off, fmt.Errorf("decision log %s:%d (byte %d): %w", path, line, off, err)
		}
		off += int64(len(b))
	}
}

// applyDecision replays one line.
func applyDecision(ds *Decisions, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	var op decisionOp
	if err := json.Unmarshal(b, &op); err != nil {
		return err
	}
	switch op.Op {
	case opOutcome:
		_, err := ds.Record(op.CaseID, op.Outcome, op.By, op.Note, op.At)
		return err
	case opBreach:
		if op.CaseID == "" {
			return errors.New("field case_id: empty")
		}
		ds.ConfirmBreach(op.CaseID, op.At)
		return nil
	}
	return fmt.Errorf("field op: %q is not %s or %s", op.Op, opOutcome, opBreach)
}

// cutTorn truncates f to the whole lines and positions it at their end.
func cutTorn(f *os.File, good int64) error {
	if err := f.Truncate(good); err != nil {
		return fmt.Errorf("cut the torn end of the decision log %s: %w", f.Name(), err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		return fmt.Errorf("decision log %s: %w", f.Name(), err)
	}
	return nil
}

// Record sets the outcome of a case at t (see Decisions.Record) and
// returns the decision once the change is on disk.
func (l *DecisionLog) Record(caseID string, o Outcome, by, note string, t time.Time) (Decision, error) {
	if caseID == "" {
		return Decision{}, errors.New("record outcome: empty case id")
	}
	o, err := ParseOutcome(string(o))
	if err != nil {
		return Decision{}, fmt.Errorf("record outcome of %s: %w", caseID, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.append(decisionOp{Op: opOutcome, CaseID: caseID, Outcome: o, By: by, Note: note, At: t.UTC()}); err != nil {
		return Decision{}, err
	}
	return l.ds.Record(caseID, o, by, note, t)
}

// ConfirmBreach confirms case caseID as a reportable breach at t,
// starting its 72-hour clock (see Decisions.ConfirmBreach), once the
// change is on disk.
func (l *DecisionLog) ConfirmBreach(caseID, by string, t time.Time) (Decision, error) {
	if caseID == "" {
		return Decision{}, errors.New("confirm breach: empty case id")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.append(decisionOp{Op: opBreach, CaseID: caseID, By: by, At: t.UTC()}); err != nil {
		return Decision{}, err
	}
	return l.ds.ConfirmBreach(caseID, t), nil
}

// Get returns the decision on a case, and whether there is one.
func (l *DecisionLog) Get(caseID string) (Decision, bool) { return l.ds.Get(caseID) }

// Close closes the file; later changes fail.
func (l *DecisionLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// append writes one line and syncs it: a decision is rare and must not
// be lost. Called with l.mu held.
func (l *DecisionLog) append(op decisionOp) error {
	if l.f == nil {
		return fmt.Errorf("decision log %s: closed", l.path)
	}
	b, err := json.Marshal(op)
	if err != nil {
		return fmt.Errorf("decision log %s: %w", l.path, err)
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write the decision log %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("sync the decision log %s: %w", l.path, err)
	}
	return nil
}
