package people

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Campaign is one phishing simulation's results, as GoPhish exports them.
// Recipients' IP addresses, locations and submitted form data are not
// kept: the figures do not need them and they are personal data.
type Campaign struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Launched   time.Time   `json:"launched,omitzero"`
	Recipients []Recipient `json:"recipients"`
}

// Recipient is what one person did with a simulated phishing email. Each
// step implies the ones before it (a click implies the email was opened).
type Recipient struct {
	Email      string    `json:"email"`
	FirstName  string    `json:"first_name,omitempty"`
	LastName   string    `json:"last_name,omitempty"`
	Position   string    `json:"position,omitempty"`
	Sent       bool      `json:"sent"`
	Opened     bool      `json:"opened"`
	Clicked    bool      `json:"clicked"`
	Submitted  bool      `json:"submitted"` // entered data (credentials) on the landing page
	Reported   bool      `json:"reported"`
	SentAt     time.Time `json:"sent_at,omitzero"`
	ReportedAt time.Time `json:"reported_at,omitzero"` // known from the JSON timeline only
}

// The GoPhish result statuses and timeline messages Vigil reads.
const (
	gpSent      = "Email Sent"
	gpOpened    = "Email Opened"
	gpClicked   = "Clicked Link"
	gpSubmitted = "Submitted Data"
	gpReported  = "Email Reported"
)

// gpStatuses maps every result status GoPhish writes to how far the
// recipient got: 0 not sent, 1 sent, 2 opened, 3 clicked, 4 submitted.
var gpStatuses = map[string]int{
	"Scheduled": 0, "Queued": 0, "Sending": 0, "Retrying": 0, "Error": 0, "Error Sending Email": 0, "Unknown": 0,
	gpSent: 1, "Success": 1, gpReported: 1, gpOpened: 2, gpClicked: 3, gpSubmitted: 4,
}

// applyStatus marks the steps a status (or timeline message) implies.
func (r *Recipient) applyStatus(status string) {
	if status == gpReported {
		r.Reported = true
	}
	stage := gpStatuses[status]
	r.Sent = r.Sent || stage >= 1
	r.Opened = r.Opened || stage >= 2
	r.Clicked = r.Clicked || stage >= 3
	r.Submitted = r.Submitted || stage >= 4
}

// gophishColumns are the columns of GoPhish's results CSV export.
var gophishColumns = []column{
	{name: "id"}, {name: "status", required: true}, {name: "ip"}, {name: "latitude"}, {name: "longitude"},
	{name: "send_date"}, {name: "reported"}, {name: "modified_date"}, {name: "email", required: true},
	{name: "first_name"}, {name: "last_name"}, {name: "position"},
}

// ReadGoPhishCSV reads one campaign's results CSV as GoPhish exports it
// (id, status, ip, latitude, longitude, send_date, reported,
// modified_date, email, first_name, last_name, position; email and status
// required). The CSV holds no timeline, so times to report are unknown.
// campaign names the campaign (the export does not). The whole file is
// refused, with an *ImportError naming the line, when any row is
// malformed or an email appears twice.
func ReadGoPhishCSV(r io.Reader, file, campaign string) (Campaign, error) {
	t, err := openCSV(r, file, gophishColumns)
	if err != nil {
		return Campaign{}, err
	}
	c := Campaign{ID: campaign, Name: campaign}
	seen := map[string]int{}
	for {
		rw, err := t.next()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return Campaign{}, err
		}
		rec, err := gophishRow(rw)
		if err != nil {
			return Campaign{}, err
		}
		key := strings.ToLower(rec.Email)
		if first, dup := seen[key]; dup {
			return Campaign{}, rw.errorf("email", "%q already given on line %d", rec.Email, first)
		}
		seen[key] = rw.line
		c.Recipients = append(c.Recipients, rec)
	}
}

// gophishRow reads one recipient from a results CSV row.
func gophishRow(rw row) (Recipient, error) {
	rec := Recipient{FirstName: rw.get("first_name"), LastName: rw.get("last_name"), Position: rw.get("position")}
	var err error
	if rec.Email, err = rw.require("email"); err != nil {
		return Recipient{}, err
	}
	status, err := rw.require("status")
	if err != nil {
		return Recipient{}, err
	}
	if err := checkGoPhishStatus(status); err != nil {
		return Recipient{}, rw.errorf("status", "%v", err)
	}
	rec.applyStatus(status)
	if v := rw.get("reported"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Recipient{}, rw.errorf("reported", "%q is not true or false", v)
		}
		rec.Reported = rec.Reported || b
	}
	if rec.SentAt, err = gophishTime(rw.get("send_date")); err != nil {
		return Recipient{}, rw.errorf("send_date", "%v", err)
	}
	if _, err = gophishTime(rw.get("modified_date")); err != nil {
		return Recipient{}, rw.errorf("modified_date", "%v", err)
	}
	return rec, nil
}

// checkGoPhishStatus refuses a status GoPhish does not write, so that a
// mangled export is not read as "not sent".
func checkGoPhishStatus(s string) error {
	if _, ok := gpStatuses[s]; !ok {
		return fmt.Errorf("unknown status %q (GoPhish writes %q, %q, %q, %q, %q, %q, ...)", s, gpSent, gpOpened, gpClicked, gpSubmitted, "Error", "Scheduled")
	}
	return nil
}

// gophishTime reads a GoPhish date; empty and Go's zero time (which
// GoPhish writes for "never") are zero.
func gophishTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := parseDate(s)
	if err != nil || t.IsZero() {
		return time.Time{}, err
	}
	return t.UTC(), nil
}
