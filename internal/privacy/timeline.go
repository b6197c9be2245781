package privacy

import (
	"fmt"
	"time"
)

// TimelineEntry is one audit event in a user's or a patient's timeline:
// who, when, what they did, and why it was explained or which case holds
// it.
type TimelineEntry struct {
	Time        time.Time `json:"time"` // UTC
	UserID      string    `json:"user_id"`
	UserName    string    `json:"user_name"`
	UserRole    string    `json:"user_role,omitempty"`
	Department  string    `json:"department,omitempty"`
	PatientID   string    `json:"patient_id,omitempty"` // NHS number; for a search, the first patient it listed
	PatientName string    `json:"patient_name,omitempty"`
	// Action is "opened", "searched", "break-glass started" or
	// "break-glass ended".
	Action string `json:"action"`
	// Reason is the explanation's key (direct_care, ward, ...), empty
	// when nothing explains the access; Explanation says it in plain
	// English for the patient, Fact names the record it rests on.
	Reason      string `json:"reason,omitempty"`
	Explanation string `json:"explanation,omitempty"`
	Fact        string `json:"fact,omitempty"`
	// CaseID is the case this access is part of, if any: such an access
	// is under review whatever explained it.
	CaseID string `json:"case_id,omitempty"`
}

// UnderReview reports whether the access is part of a case.
func (e *TimelineEntry) UnderReview() bool { return e.CaseID != "" }

// UserTimeline returns every audit event by user (their roster id), in
// time order: records opened, searches and break-glass.
func (r *Result) UserTimeline(user string) []TimelineEntry {
	if r.a == nil {
		return nil
	}
	u, ok := r.a.users.lookup(user)
	if !ok {
		return nil
	}
	return r.timeline(func(x *rec) bool { return x.user == u })
}

// PatientTimeline returns every opening of the patient's record and every
// break-glass on it, in time order, under the NHS number (or the other
// identifier the patient is known by). Searches that only listed the
// patient are left out: the record was not opened.
func (r *Result) PatientTimeline(nhs string) []TimelineEntry {
	if r.a == nil {
		return nil
	}
	p, ok := r.a.pats.lookup(r.a.canonicalKey(nhs))
	if !ok {
		return nil
	}
	return r.timeline(func(x *rec) bool { return x.pat == p && x.kind != kindQuery })
}

func (r *Result) timeline(keep func(*rec) bool) []TimelineEntry {
	var out []TimelineEntry
	for i := range r.recs {
		if x := &r.recs[i]; keep(x) {
			out = append(out, r.entry(i))
		}
	}
	return out
}

var actionNames = [...]string{kindOpen: "opened", kindQuery: "searched", kindBGStart: "break-glass started", kindBGStop: "break-glass ended"}

// entry describes access i.
func (r *Result) entry(i int) TimelineEntry {
	a, x, ex := r.a, &r.recs[i], r.xs[i]
	s := &a.staff[x.user]
	e := TimelineEntry{Time: unixTime(x.t), UserID: s.ID, UserName: s.name, UserRole: s.Role, Department: s.Department, Action: actionNames[x.kind]}
	if e.UserName == "" {
		e.UserName = s.ID
	}
	if x.pat != noPatient {
		p := &a.patients[x.pat]
		e.PatientID, e.PatientName = p.Key, a.patientName(p)
		if ci, ok := r.caseOf[pairKey(x.user, x.pat)]; ok && x.kind != kindQuery {
			e.CaseID = r.Cases[ci].ID
		}
	}
	if x.kind == kindOpen && ex.why != reasonNone {
		e.Reason, e.Explanation, e.Fact = ex.why.String(), a.plainReason(r.ix, ex, x.user), a.fact(r.ix, ex, x.user)
	}
	return e
}

// indexCases maps every user-patient pair a case covers to it (a mass
// look-up covers every patient it lists).
func (r *Result) indexCases() {
	r.caseOf = make(map[uint64]int, len(r.Cases))
	for i := range r.Cases {
		c := &r.Cases[i]
		r.caseOf[pairKey(c.user, c.pat)] = i
		if c.span != nil {
			for _, p := range c.span.pats {
				if _, ok := r.caseOf[pairKey(c.user, p)]; !ok {
					r.caseOf[pairKey(c.user, p)] = i
				}
			}
		}
	}
}

// plainReason says why an access was explained, for the patient: the
// relationship in plain English, with the visit it rests on.
func (a *Auditor) plainReason(ix *index, x explanation, u uint32) string {
	what := ""
	if x.ep >= 0 {
		e := &a.episodes[x.ep]
		kind := "your visit to"
		if e.appt {
			kind = "your appointment at"
		}
		what = fmt.Sprintf(" (%s %s from %s)", kind, a.episodeWhere(e), a.day(e.start))
	}
	switch x.why {
	case reasonDirectCare:
		return "named as one of your clinicians" + what
	case reasonReferral:
		return "the clinician who referred you" + what
	case reasonRegistered:
		return "your registered carer"
	case reasonClerk:
		return "recorded your registration, admission, transfer or appointment at the time"
	case reasonWard:
		return "works on the ward or in the specialty caring for you" + what
	case reasonDepartment:
		return "works in the department caring for you" + what
	case reasonTeam:
		return "works closely with a clinician caring for you" + what
	case reasonService:
		return "works in " + a.staff[u].Department + ", which serves the ward caring for you" + what
	case reasonBreakGlass:
		return "emergency access, reviewed and found justified"
	}
	return ""
}
