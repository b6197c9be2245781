package privacy

import (
	"strings"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// Auditor collects the roster, care records, watch list, reviews and
// accesses, then analyses them with Run. Add everything before Run; the
// order of additions does not matter (accesses are put in time order).
type Auditor struct {
	opts  Options
	users interner // user ids: roster, ADT clinicians and operators, access log
	pats  interner // patient keys: NHS numbers, else another identifier
	depts interner // roster departments

	staff    []staffRec   // by user index; onRoster false for unknown users
	patients []patientRec // by patient index
	episodes []episode
	visits   map[string]int32 // patient key + visit number -> episode
	links    []link           // explicit relationships (clinicians, clerks, registered carers)
	vip      map[uint32]bool
	reviews  map[string]Review // by break-glass event id
	reviewBy map[uint64]bool   // justified break-glass by (user, patient)
	aliases  map[string]string // merged-away identifier -> surviving patient key
	mrn      map[string]string // hospital number -> NHS number

	recs     []rec
	eventIDs []string // break-glass start event ids, indexed by rec.ref
	counts   inputCounts

	// words is non-nil when the Auditor outlives the messages it reads
	// (Live's care state, carestate.go): the strings it keeps are then
	// copies (owned, common), since a string of a parsed message is a
	// view of the whole message, which it would keep alive.
	words map[string]string
	// carers holds the registered-carer links of Live's care state, so
	// that a role every message repeats (a patient's GP) is held once;
	// nil otherwise.
	carers map[link]bool
}

// inputCounts are what the inputs held, for the summary.
type inputCounts struct {
	errors  map[string]int // per input kind
	skipped int            // audit events that touch no patient record
	queries int            // searches (not opens)
	adt     int
	appts   int
}

// New returns an empty Auditor with the given options.
func New(opts Options) *Auditor {
	if opts.Location == nil {
		opts.Location = london()
	}
	return &Auditor{
		opts:     opts,
		users:    newInterner(),
		pats:     newInterner(),
		depts:    newInterner(),
		visits:   map[string]int32{},
		vip:      map[uint32]bool{},
		reviews:  map[string]Review{},
		reviewBy: map[uint64]bool{},
		aliases:  map[string]string{},
		mrn:      map[string]string{},
		counts:   inputCounts{errors: map[string]int{}},
	}
}

// staffRec is a user as the analysis sees them.
type staffRec struct {
	Staff
	onRoster bool
	dept     int32 // index into depts, -1 if none
	fam      string
	given    string
	post     string // normalised postcode
	street   string // normalised street without the house number
	name     string // display name, e.g. "J. Smith"
}

// user returns the index of user id, growing the staff table.
func (a *Auditor) user(id string) uint32 {
	u, ok := a.users.lookup(id)
	if !ok {
		u = a.users.id(a.owned(id))
	}
	for int(u) >= len(a.staff) {
		a.staff = append(a.staff, staffRec{dept: -1})
	}
	if a.staff[u].ID == "" {
		a.staff[u].ID = a.users.names[u]
	}
	return u
}

// patient returns the index of patient key k, growing the patient table.
func (a *Auditor) patient(k string) uint32 {
	p, ok := a.pats.lookup(k)
	if !ok {
		p = a.pats.id(a.owned(k))
	}
	for int(p) >= len(a.patients) {
		a.patients = append(a.patients, patientRec{})
	}
	if a.patients[p].Key == "" {
		a.patients[p].Key = a.pats.names[p]
	}
	return p
}

// owned returns s, or a copy of it when the Auditor keeps copies (words
// is set): for strings each record has its own (ids, names, addresses).
func (a *Auditor) owned(s string) string {
	if a.words == nil || s == "" {
		return s
	}
	return strings.Clone(s)
}

// common returns s, or the one copy kept of it when the Auditor keeps
// copies: for strings many records share (wards, services, classes,
// relationships).
func (a *Auditor) common(s string) string {
	if a.words == nil || s == "" {
		return s
	}
	if w, ok := a.words[s]; ok {
		return w
	}
	w := strings.Clone(s)
	a.words[w] = w
	return w
}

// AddStaff adds a member of staff; a later row for the same user id
// replaces an earlier one.
func (a *Auditor) AddStaff(s Staff) {
	u := a.user(s.ID)
	r := staffRec{Staff: s, onRoster: true, dept: -1}
	if s.Department != "" {
		r.dept = int32(a.depts.id(s.Department))
	}
	r.fam = foldName(s.Family)
	r.given = foldName(s.Given)
	r.post = normPostcode(s.Postcode)
	r.street = streetName(s.Address)
	r.name = displayName(s.Given, s.Family, s.ID)
	a.staff[u] = r
}

// AddVIP puts an NHS number on the watch list.
func (a *Auditor) AddVIP(nhs string) {
	a.vip[a.patient(access.NormaliseNHSNumber(nhs))] = true
}

// AddReview records a break-glass review.
func (a *Auditor) AddReview(r Review) {
	if r.EventID != "" {
		a.reviews[r.EventID] = r
	}
	if r.Justified && r.UserID != "" && r.PatientID != "" {
		a.reviewBy[pairKey(a.user(r.UserID), a.patient(access.NormaliseNHSNumber(r.PatientID)))] = true
	}
}

// AddInputError counts an unusable input record of kind ("staff", "adt",
// "access", "vip", "reviews") for the summary.
func (a *Auditor) AddInputError(kind string) { a.counts.errors[kind]++ }
