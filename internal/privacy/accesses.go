package privacy

import (
	"strings"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// recKind says what an audit event did to a patient record.
type recKind uint8

const (
	kindOpen    recKind = iota // the record was opened (read, or written)
	kindQuery                  // a search: the patient was only listed, or the search was about them
	kindBGStart                // break-glass declared
	kindBGStop                 // break-glass ended
)

// rec is one access as the analysis streams it: 24 bytes, no pointers.
type rec struct {
	t    int64 // unix seconds
	user uint32
	pat  uint32 // noPatient when the event names none (a search, a stop)
	ref  int32  // break-glass start: index into eventIDs; else -1
	kind recKind
	bg   bool // made under a declared break-glass (BTG purpose of use)
}

const noPatient = ^uint32(0)

// fact is what the analysis takes from one audit event: all that
// AddAccess reads of an access.Access, so that Live can keep this much
// instead of the whole record.
type fact struct {
	t    int64  // unix seconds: Occurred, else Recorded
	user string // the user id, else the user name
	name string // the user name as the log gives it (noteUser)
	role string // the user's first role (noteUser)
	pat  string // the patient key (patientOf)
	id   string // the event id, for a break-glass start only
	kind recKind
	bg   bool
}

// factOf reads the fact of ac.
func factOf(ac *access.Access) fact {
	f := fact{kind: classify(ac), user: ac.UserID, name: ac.UserName, pat: patientOf(ac), bg: ac.BreakGlass}
	if f.user == "" {
		f.user = ac.UserName
	}
	if len(ac.UserRole) > 0 {
		f.role = ac.UserRole[0]
	}
	if f.kind == kindBGStart {
		f.id = ac.ID
	}
	t := ac.Occurred
	if t.IsZero() {
		t = ac.Recorded
	}
	f.t = t.Unix()
	return f
}

// AddAccess adds one normalised audit event. Events that touch no patient
// record (logins, system queries) are counted as skipped; searches are
// counted apart from opened records, since a patient who only appears in
// a search result was not opened. It reports whether the event was kept.
func (a *Auditor) AddAccess(ac *access.Access) bool { return a.addFact(factOf(ac)) }

// addFact is AddAccess from the fact of the access.
func (a *Auditor) addFact(f fact) bool {
	if f.user == "" || (f.pat == "" && f.kind == kindOpen) {
		a.counts.skipped++
		return false
	}
	r := rec{t: f.t, user: a.user(f.user), pat: noPatient, ref: -1, kind: f.kind, bg: f.bg}
	a.noteUser(r.user, f.name, f.role)
	if f.pat != "" {
		r.pat = a.patient(f.pat)
	}
	switch f.kind {
	case kindQuery:
		a.counts.queries++
	case kindBGStart:
		r.ref = int32(len(a.eventIDs))
		a.eventIDs = append(a.eventIDs, f.id)
	}
	a.recs = append(a.recs, r)
	return true
}

// noteUser keeps the name and first role the access log gives a user who
// is not on the roster, for evidence.
func (a *Auditor) noteUser(u uint32, name, role string) {
	s := &a.staff[u]
	if s.onRoster || s.name != "" {
		return
	}
	s.name = name
	if s.name == "" {
		s.name = s.ID
	}
	if role != "" {
		s.Role = role
	}
}

// classify tells a search from an opened record and finds break-glass
// start and stop events (DICOM 110127 and 110138; see package access).
func classify(ac *access.Access) recKind {
	codes := append([]access.Coding{ac.Type}, ac.Subtypes...)
	for _, c := range codes {
		switch {
		case access.IsBreakGlassEvent(c):
			return kindBGStart
		case c.Code == "110138":
			return kindBGStop
		}
	}
	for _, c := range codes {
		switch c.Code {
		case "search", "search-type", "search-system", "110112": // FHIR searches; DICOM Query
			return kindQuery
		case "read", "vread", "history-instance", "110110": // DICOM Patient Record
			return kindOpen
		}
	}
	if ac.Action == "E" && ac.Query != "" {
		return kindQuery
	}
	return kindOpen
}

// patientOf returns the key of the patient an access names: the NHS
// number, else the first other identifier, else the resource id of the
// first patient reference.
func patientOf(ac *access.Access) string {
	switch {
	case ac.NHSNumber != "":
		return ac.NHSNumber
	case len(ac.PatientIDs) > 0:
		return ac.PatientIDs[0].Value
	case len(ac.PatientRefs) > 0:
		ref := ac.PatientRefs[0]
		if i := strings.LastIndex(ref, "Patient/"); i >= 0 {
			return ref[i+len("Patient/"):]
		}
		return ref
	}
	return ""
}
