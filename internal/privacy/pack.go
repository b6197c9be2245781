package privacy

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNoCase is returned for a case id the result does not hold.
var ErrNoCase = errors.New("no such case")

// Pack is the evidence pack of one case: what a privacy officer or
// Caldicott Guardian reads before deciding it. Everything in it comes
// from the inputs of the run.
type Pack struct {
	Case Case `json:"case"`
	// Accesses are the user's audit events on the case's patients, in
	// time order, each with the explanations tried.
	Accesses []PackAccess `json:"accesses"`
	// User is the roster entry (or what the access log says of a user not
	// on it); Patients the demographics and care records of each patient.
	User     Staff         `json:"user"`
	OnRoster bool          `json:"on_roster"`
	Patients []PackPatient `json:"patients"`
}

// PackAccess is one access with every explanation tried on it.
type PackAccess struct {
	TimelineEntry
	Tried []Attempt `json:"tried,omitempty"`
}

// Attempt is one explanation tried on an access: whether it held, and the
// fact that made it hold or fail.
type Attempt struct {
	Explanation string `json:"explanation"`
	Held        bool   `json:"held"`
	Why         string `json:"why"`
}

// PackPatient is what the ADT messages said of one patient.
type PackPatient struct {
	NHSNumber string      `json:"nhs_number"`
	Name      string      `json:"name"`
	BirthDate string      `json:"birth_date,omitempty"`
	Address   string      `json:"address,omitempty"`
	Postcode  string      `json:"postcode,omitempty"`
	Died      string      `json:"died,omitempty"`
	NextOfKin []string    `json:"next_of_kin,omitempty"`
	Episodes  []PackSpell `json:"episodes"`
	Watch     bool        `json:"watch_list"`
}

// PackSpell is one visit or appointment of a patient, with where and who.
type PackSpell struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"` // "visit (I)", "appointment", ...
	From       string   `json:"from"`
	To         string   `json:"to,omitempty"` // empty while open
	Where      []string `json:"where,omitempty"`
	Clinicians []string `json:"clinicians,omitempty"`
	Referrers  []string `json:"referrers,omitempty"`
	Cancelled  bool     `json:"cancelled,omitempty"`
}

// EvidencePack gathers the evidence of case caseID.
func (r *Result) EvidencePack(caseID string) (*Pack, error) {
	i := slices.IndexFunc(r.Cases, func(c Case) bool { return c.ID == caseID })
	if i < 0 || r.a == nil {
		return nil, fmt.Errorf("evidence pack %s: %w", caseID, ErrNoCase)
	}
	c := &r.Cases[i]
	a := r.a
	pats := []uint32{c.pat}
	if c.span != nil {
		pats = c.span.pats
	}
	s := &a.staff[c.user]
	pk := &Pack{Case: *c, User: s.Staff, OnRoster: s.onRoster}
	if pk.User.ID == "" {
		pk.User.ID = c.UserID
	}
	for j := range r.recs {
		x := &r.recs[j]
		if x.user != c.user || x.pat == noPatient || !slices.Contains(pats, x.pat) {
			continue
		}
		pa := PackAccess{TimelineEntry: r.entry(j)}
		if x.kind == kindOpen {
			pa.Tried = r.tried(j)
		}
		pk.Accesses = append(pk.Accesses, pa)
	}
	for _, p := range pats {
		pk.Patients = append(pk.Patients, r.packPatient(p))
	}
	return pk, nil
}

// tried runs every explanation on access j and says why each held or
// failed.
func (r *Result) tried(j int) []Attempt {
	a, ix, x := r.a, r.ix, &r.recs[j]
	var out []Attempt
	add := func(why reason, held bool, fact string) {
		out = append(out, Attempt{Explanation: why.String(), Held: held, Why: fact})
	}
	links := ix.pairLinks[pairKey(x.user, x.pat)]
	for _, why := range []reason{reasonDirectCare, reasonReferral, reasonRegistered, reasonClerk} {
		held, fact := false, "no record names "+a.staff[x.user].name+" for this patient"
		for _, l := range links {
			if l.why != why {
				continue
			}
			held = x.t >= l.from && x.t <= l.to
			fact = fmt.Sprintf("named from %s to %s; the access was %s", a.stamp(l.from), a.stamp(l.to), map[bool]string{true: "inside", false: "outside"}[held])
			if held {
				break
			}
		}
		add(why, held, fact)
	}
	for _, why := range []reason{reasonWard, reasonDepartment, reasonTeam} {
		held, fact := r.byEpisode(x, why)
		add(why, held, fact)
	}
	sx := a.explainByService(ix, x.user, x.pat, x.t)
	if sx.why == reasonService {
		add(reasonService, true, a.fact(ix, sx, x.user))
	} else {
		add(reasonService, false, "no department mined as serving the patient's wards at the time includes "+deptOr(&a.staff[x.user]))
	}
	if x.bg || r.xs[j].why == reasonBreakGlass {
		add(reasonBreakGlass, r.xs[j].why == reasonBreakGlass, "the access was made under a break-glass declaration")
	}
	return out
}

// byEpisode tries one of the episode explanations on every episode of the
// patient and reports the first that holds, or why none does.
func (r *Result) byEpisode(x *rec, why reason) (bool, string) {
	a, ix := r.a, r.ix
	if len(ix.patEps[x.pat]) == 0 {
		return false, "the patient has no visit or appointment on record"
	}
	for _, ei := range ix.patEps[x.pat] {
		if ex := a.tryEpisode(ix, &a.episodes[ei], ei, x.user, x.t, why); ex.why == why {
			return true, a.fact(ix, ex, x.user)
		}
	}
	switch why {
	case reasonWard:
		return false, deptOr(&a.staff[x.user]) + " works on none of the patient's wards while they were there"
	case reasonDepartment:
		return false, deptOr(&a.staff[x.user]) + " is not the department of any clinician or specialty caring for the patient at the time"
	}
	if len(ix.teams.mates[x.user]) == 0 {
		return false, a.staff[x.user].name + " has no mined teammates"
	}
	return false, fmt.Sprintf("none of %s's %d mined teammates is named on the patient's visits at the time", a.staff[x.user].name, len(ix.teams.mates[x.user]))
}

// packPatient lists what the care records say of patient p.
func (r *Result) packPatient(p uint32) PackPatient {
	a := r.a
	pr := &a.patients[p]
	pp := PackPatient{NHSNumber: pr.Key, Name: a.patientName(pr), Address: pr.Address, Postcode: pr.Postcode, Watch: a.vip[p]}
	if !pr.BirthDate.IsZero() {
		pp.BirthDate = pr.BirthDate.Format(time.DateOnly)
	}
	if !pr.Death.IsZero() {
		pp.Died = a.stamp(pr.Death.Unix())
	}
	for _, k := range pr.Kin {
		pp.NextOfKin = append(pp.NextOfKin, fmt.Sprintf("%s %s (%s), %s", titleCase(k.given), titleCase(k.fam), k.relation, k.post))
	}
	for _, ei := range r.ix.patEps[p] {
		pp.Episodes = append(pp.Episodes, a.spell(&a.episodes[ei]))
	}
	return pp
}

func (a *Auditor) spell(e *episode) PackSpell {
	sp := PackSpell{ID: e.label, Kind: "visit (" + e.class + ")", From: a.stamp(e.start), Cancelled: e.cancelled}
	if e.appt {
		sp.Kind = "appointment"
	}
	if end := a.episodeEnd(e); end != 0 {
		sp.To = a.stamp(end)
	}
	for _, st := range e.stays {
		sp.Where = append(sp.Where, fmt.Sprintf("%s %s from %s", st.ward, st.service, a.stamp(st.from)))
	}
	for _, u := range e.clin {
		sp.Clinicians = append(sp.Clinicians, a.who(u))
	}
	for _, u := range e.ref {
		sp.Referrers = append(sp.Referrers, a.who(u))
	}
	return sp
}

// who writes a user as "J. Smith (C001, Consultant, Cardiology)".
func (a *Auditor) who(u uint32) string {
	s := &a.staff[u]
	if !s.onRoster {
		return s.ID + " (not on the staff roster)"
	}
	return fmt.Sprintf("%s (%s, %s, %s)", s.name, s.ID, s.Role, s.Department)
}

// stamp writes a moment in local time with its zone: "2025-03-04 09:30 GMT".
func (a *Auditor) stamp(t int64) string {
	switch {
	case t <= minTime:
		return "the beginning"
	case t >= maxTime:
		return "open"
	}
	return a.local(t).Format("2006-01-02 15:04 MST")
}
