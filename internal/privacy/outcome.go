package privacy

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Outcome is what a privacy officer decided about a case.
type Outcome string

// Case outcomes, in the order a case usually moves through them.
const (
	OutcomeOpen        Outcome = ""            // not yet decided
	OutcomeAppropriate Outcome = "appropriate" // the access was legitimate after all
	OutcomeCounselled  Outcome = "counselled"  // inappropriate; the user was spoken to
	OutcomeEscalated   Outcome = "escalated"   // inappropriate; passed to HR or the Caldicott Guardian
	OutcomeReported    Outcome = "reported"    // a personal data breach reported to the ICO
)

// BreachDeadline is how long UK GDPR (Article 33) gives to report a
// personal data breach to the ICO from when the organisation became aware
// of it: here, when a case is confirmed as a reportable breach.
const BreachDeadline = 72 * time.Hour

// ParseOutcome reads an outcome by name.
func ParseOutcome(s string) (Outcome, error) {
	switch o := Outcome(strings.ToLower(strings.TrimSpace(s))); o {
	case OutcomeOpen, OutcomeAppropriate, OutcomeCounselled, OutcomeEscalated, OutcomeReported:
		return o, nil
	}
	return "", fmt.Errorf("outcome %q: want appropriate, counselled, escalated or reported", s)
}

// Decision is the state of one case's review.
type Decision struct {
	CaseID  string    `json:"case_id"`
	Outcome Outcome   `json:"outcome"`
	By      string    `json:"by,omitempty"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"` // when the outcome was recorded
	// BreachConfirmed is when the case was confirmed as a reportable
	// breach, which starts the 72-hour clock; zero if it was not.
	BreachConfirmed time.Time `json:"breach_confirmed,omitzero"`
	// ReportedAt is when it was reported to the ICO, which stops the
	// clock.
	ReportedAt time.Time `json:"reported_at,omitzero"`
}

// Deadline is when the breach must be reported by, and false when the
// case is not a confirmed reportable breach.
func (d *Decision) Deadline() (time.Time, bool) {
	if d.BreachConfirmed.IsZero() {
		return time.Time{}, false
	}
	return d.BreachConfirmed.Add(BreachDeadline), true
}

// Remaining is the time left to report at now: negative once overdue,
// and zero when there is no clock (not a confirmed breach) or it was
// reported.
func (d *Decision) Remaining(now time.Time) time.Duration {
	dl, ok := d.Deadline()
	if !ok || !d.ReportedAt.IsZero() {
		return 0
	}
	return dl.Sub(now)
}

// Overdue reports whether a confirmed breach was still not reported when
// its deadline passed (at now, or when it was reported).
func (d *Decision) Overdue(now time.Time) bool {
	dl, ok := d.Deadline()
	if !ok {
		return false
	}
	if !d.ReportedAt.IsZero() {
		return d.ReportedAt.After(dl)
	}
	return now.After(dl)
}

// Decisions holds the review state of cases by case id. It is safe for
// concurrent use; case ids are stable across runs (see Case.ID), so
// decisions outlive the analysis that raised the case.
type Decisions struct {
	mu sync.Mutex
	m  map[string]*Decision
}

// NewDecisions returns an empty set of decisions.
func NewDecisions() *Decisions { return &Decisions{m: map[string]*Decision{}} }

// Record sets the outcome of a case at t. Reporting a case that was never
// confirmed as a breach confirms it at the same moment.
func (ds *Decisions) Record(caseID string, o Outcome, by, note string, t time.Time) (Decision, error) {
	if caseID == "" {
		return Decision{}, fmt.Errorf("record outcome: empty case id")
	}
	if _, err := ParseOutcome(string(o)); err != nil {
		return Decision{}, fmt.Errorf("record outcome of %s: %w", caseID, err)
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	d := ds.get(caseID)
	d.Outcome, d.By, d.Note, d.At = o, by, note, t
	if o == OutcomeReported {
		if d.BreachConfirmed.IsZero() {
			d.BreachConfirmed = t
		}
		if d.ReportedAt.IsZero() {
			d.ReportedAt = t
		}
	}
	return *d, nil
}

// ConfirmBreach records that case caseID is a reportable personal data
// breach, as of t, starting its 72-hour clock. Confirming again keeps the
// first moment: the clock does not restart.
func (ds *Decisions) ConfirmBreach(caseID string, t time.Time) Decision {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	d := ds.get(caseID)
	if d.BreachConfirmed.IsZero() {
		d.BreachConfirmed = t
	}
	if d.Outcome == OutcomeOpen || d.Outcome == OutcomeAppropriate || d.Outcome == OutcomeCounselled {
		d.Outcome, d.At = OutcomeEscalated, t
	}
	return *d
}

// Get returns the decision on a case, and whether there is one.
func (ds *Decisions) Get(caseID string) (Decision, bool) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	d, ok := ds.m[caseID]
	if !ok {
		return Decision{CaseID: caseID}, false
	}
	return *d, true
}

func (ds *Decisions) get(id string) *Decision {
	d, ok := ds.m[id]
	if !ok {
		d = &Decision{CaseID: id}
		ds.m[id] = d
	}
	return d
}
