package people

import (
	"errors"
	"io"
	"strings"
	"time"
)

// Record is one completion of a course, as an e-learning system exports
// it. A record names its person by staff id or by email (or both; the
// staff id wins). A zero Expires means the completion never expires.
type Record struct {
	StaffID   string    `json:"staff_id,omitempty"`
	Email     string    `json:"email,omitempty"`
	Course    string    `json:"course"`
	Completed time.Time `json:"completed"`
	Expires   time.Time `json:"expires,omitzero"`
}

// trainingColumns are the training CSV's columns, with the headings ESR
// OLM and common learning management systems give them.
var trainingColumns = []column{
	{name: "staff_id", aliases: []string{"employee_number", "person_id", "learner_id", "staff_number", "assignment_number"}},
	{name: "email", aliases: []string{"email_address", "learner_email", "user_email"}},
	{name: "course", aliases: []string{"course_name", "competence", "competence_name", "competency", "module", "course_title"}, required: true},
	{name: "completed", aliases: []string{"completion_date", "completed_date", "date_completed", "achieved", "achievement_date"}, required: true},
	{name: "expires", aliases: []string{"expiry_date", "expiry", "expires_on", "valid_until", "expiration_date"}},
	{name: "validity", aliases: []string{"validity_period", "renewal_period", "valid_for", "renewal_frequency"}},
}

// ReadTrainingCSV reads training records from CSV with a header row. It
// needs a course and a completed date, a person by staff_id or email, and
// optionally an expiry date or a validity period ("12 months", "3 years",
// "365 days"); a row with neither never expires. file names the input in
// errors. The whole file is refused, with an *ImportError naming the
// line, when any row is malformed.
func ReadTrainingCSV(r io.Reader, file string) ([]Record, error) {
	t, err := openCSV(r, file, trainingColumns)
	if err != nil {
		return nil, err
	}
	if !t.has("staff_id") && !t.has("email") {
		return nil, &ImportError{File: file, Line: 1, Reason: "missing required column(s): staff_id or email (one of them names the person)"}
	}
	var recs []Record
	for {
		rw, err := t.next()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return nil, err
		}
		rec, err := trainingRow(rw)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
}

// trainingRow reads one completion from a row.
func trainingRow(rw row) (Record, error) {
	rec := Record{StaffID: rw.get("staff_id"), Email: rw.get("email")}
	if rec.StaffID == "" && rec.Email == "" {
		return Record{}, rw.errorf("staff_id", "no staff_id or email: the row names nobody")
	}
	var err error
	if rec.Course, err = rw.require("course"); err != nil {
		return Record{}, err
	}
	v, err := rw.require("completed")
	if err != nil {
		return Record{}, err
	}
	if rec.Completed, err = parseDate(v); err != nil {
		return Record{}, rw.errorf("completed", "%v", err)
	}
	if rec.Expires, err = expiryOf(rw, rec.Completed); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// expiryOf reads a row's expiry: the expiry date if given, else the
// completion date plus the validity period, else never (zero).
func expiryOf(rw row, completed time.Time) (time.Time, error) {
	if v := rw.get("expires"); v != "" {
		exp, err := parseDate(v)
		if err != nil {
			return time.Time{}, rw.errorf("expires", "%v", err)
		}
		if exp.Before(completed) {
			return time.Time{}, rw.errorf("expires", "expiry %s is before completion %s", v, rw.get("completed"))
		}
		return exp, nil
	}
	if v := rw.get("validity"); v != "" {
		y, m, d, err := parseValidity(v)
		if err != nil {
			return time.Time{}, rw.errorf("validity", "%v", err)
		}
		return completed.AddDate(y, m, d), nil
	}
	return time.Time{}, nil
}

// Requirement says that everyone in the listed staff groups must hold a
// current completion of a course; no groups means everyone.
type Requirement struct {
	Course string   `json:"course"`
	Groups []string `json:"groups,omitempty"`
}

// appliesTo reports whether the requirement covers a staff group.
func (r Requirement) appliesTo(group string) bool {
	if len(r.Groups) == 0 {
		return true
	}
	for _, g := range r.Groups {
		if strings.EqualFold(g, group) {
			return true
		}
	}
	return false
}

// Status is where one person stands on one required course at a date.
type Status int

// The statuses, best first.
const (
	Current  Status = iota // completed and not expiring within ExpiringWithin
	Expiring               // current, but expires within ExpiringWithin
	Expired                // completed once, no longer valid
	Missing                // never completed
)

// ExpiringWithin is how soon before expiry a completion counts as
// Expiring, so that reminders go out before it lapses.
const ExpiringWithin = 30 * 24 * time.Hour

var statusNames = [...]string{"current", "expiring", "expired", "missing"}

// String returns the status in lower case ("current", "expired", ...).
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "unknown"
	}
	return statusNames[s]
}

// MarshalText writes the status's name, so JSON shows words.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
