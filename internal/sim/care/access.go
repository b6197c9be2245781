package care

import (
	"math/rand/v2"
	"time"
)

// Reason is why a legitimate access happened: the care process that
// produced it.
type Reason uint8

// Reasons for legitimate accesses.
const (
	ReasonDirectCare Reason = iota // a clinician on the visit or appointment (PV1-7, -9, -17, AIP)
	ReasonWard                     // staff of the ward (or ED, or clinic) the patient is on
	ReasonTeam                     // doctors and secretaries of the visit's specialty (PV1-10)
	ReasonReferral                 // the member of staff who referred the patient (PV1-8)
	ReasonClerk                    // the operator who keyed an ADT message for the patient (EVN-5)
	ReasonService                  // pharmacy, radiology, physiotherapy, coding: serve every ward
	ReasonBreakGlass               // an emergency override later justified
	ReasonSearch                   // a patient search: it lists patients, it opens none
	numReasons
)

var reasonNames = [...]string{"direct_care", "ward", "team", "referral", "clerk", "service", "breakglass_justified", "search"}

// String is the name truth.json uses.
func (r Reason) String() string { return reasonNames[r] }

type evKind uint8

const (
	evRead    evKind = iota // a patient's record opened (BALP PatientRead)
	evSearch                // a patient search (BALP Query) listing patients
	evBGStart               // emergency override started for a patient
	evBGStop                // emergency override stopped
)

// access is one event of the log before it is written.
type access struct {
	At        time.Time
	User      int32
	Patient   int32  // the patient opened; -1 for a search
	NHS       string // the number the record was opened under, if not the patient's own
	Kind      evKind
	Listed    []int32 // a search's results
	Query     string
	Emergency bool // purpose of use ETREAT (under break-glass)
	Remote    bool // from home over the VPN
	Reason    Reason
	Misuse    int32 // index of the misuse pair, or -1
	Bad       bool  // part of misuse (a misuser's search has no pair)
	review    int32 // break-glass start: index+1 of its review, else 0
}

// dayGen generates one day's legitimate accesses.
type dayGen struct {
	w   *World
	r   *rand.Rand
	rc  *rotaCache
	d   int
	out []access
	buf []int32
}

// add records one legitimate access. A member of staff who is the patient
// (admitted, or seen in clinic) is not at work caring for themselves: the
// rota picks whoever is on shift, so that pick is dropped rather than
// logged as legitimate care, which no trust would accept it as.
func (g *dayGen) add(t time.Time, user, patient int32, nhs string, why Reason) {
	if user < 0 || t.Before(g.w.day(g.d)) || !t.Before(g.w.day(g.d+1)) {
		return
	}
	if patient >= 0 && g.w.Staff[user].Patient == patient {
		return
	}
	g.out = append(g.out, access{At: t, User: user, Patient: patient, NHS: nhs, Reason: why, Misuse: -1})
}

// pickAt picks a member of dept with a matching role at work at t, or -1.
func (g *dayGen) pickAt(dept int16, t time.Time, match func(Role) bool) int32 {
	g.buf = g.w.atWork(g.rc, dept, t, match, g.buf)
	if len(g.buf) == 0 {
		return -1
	}
	return pick(g.r, g.buf)
}

// onShift reports whether staff i works at t.
func (g *dayGen) onShift(i int32, t time.Time) bool {
	if i < 0 {
		return false
	}
	d := g.w.dayIndex(t)
	for _, dd := range [2]int{d - 1, d} {
		if sl := g.rc.get(dd).of[i]; sl != offShift {
			if from, to := g.w.window(i, dd, sl); !t.Before(from) && t.Before(to) {
				return true
			}
		}
	}
	return false
}

// legitimate generates the accesses of log day d that care processes make.
func (w *World) legitimate(d int, rc *rotaCache) *dayGen {
	g := &dayGen{w: w, r: newRand(w.cfg.Seed, streamDay+uint64(d)), rc: rc, d: d}
	for _, vi := range w.dayVisits[d] {
		v := &w.Visits[vi]
		switch {
		case v.Cancelled:
		case v.Class == 'I':
			g.inpatient(v)
		case v.Class == 'E':
			g.emergency(v)
		case v.Class == 'O':
			g.clinic(v)
		}
	}
	g.clerks()
	return g
}

// span is the part of [from, to) that falls on the generator's day.
func (g *dayGen) span(from, to time.Time) (time.Time, time.Time) {
	ds, de := g.w.day(g.d), g.w.day(g.d+1)
	if from.Before(ds) {
		from = ds
	}
	if to.After(de) {
		to = de
	}
	return from, to
}

// hourly adds Poisson(rate per hour) accesses over [from, to), each by a
// member of dept with a matching role at work at that moment.
func (g *dayGen) hourly(from, to time.Time, rate float64, dept int16, match func(Role) bool, p int32, nhs string, why Reason) {
	if !to.After(from) {
		return
	}
	for n := poisson(g.r, rate*to.Sub(from).Hours()); n > 0; n-- {
		t := between(g.r, from, to)
		g.add(t, g.pickAt(dept, t, match), p, nhs, why)
	}
}

// around adds n accesses by user i within the part of [from, to) when the
// user is at work.
func (g *dayGen) around(i int32, n int, from, to time.Time, p int32, nhs string, why Reason) {
	for ; n > 0; n-- {
		t := between(g.r, from, to)
		if g.onShift(i, t) {
			g.add(t, i, p, nhs, why)
		}
	}
}

// Rates per hour of nursing and doctors' accesses to an inpatient's
// record; the EPR is opened for every observation, drug round and note.
const (
	nurseDayRate    = 1.25
	nurseNightRate  = 0.7
	hcaRate         = 0.3
	juniorDayRate   = 0.45
	juniorNightRate = 0.06
)

func isHCA(r Role) bool { return r == HealthcareAssistant }

// inpatient adds the day's accesses of one inpatient stay: ward nursing,
// the consultant's round, the specialty's junior doctors, consultations,
// the referrer, pharmacy, physiotherapy, imaging, and after discharge the
// summary, the letter and clinical coding.
func (g *dayGen) inpatient(v *Visit) {
	w := g.w
	end := v.End
	if end.IsZero() {
		end = w.end
	}
	p := v.Patient
	for i, st := range v.Stays {
		from, to := g.span(st.From, v.stayEnd(i, w.end))
		if !to.After(from) {
			continue
		}
		day0, day1 := g.span(w.at(g.d, 8, 0), w.at(g.d, 20, 0))
		df, dt := maxTime(from, day0), minTime(to, day1)
		g.hourly(df, dt, nurseDayRate, st.Ward, isNurse, p, "", ReasonWard)
		g.hourly(from, minTime(to, day0), nurseNightRate, st.Ward, isNurse, p, "", ReasonWard)
		g.hourly(maxTime(from, day1), to, nurseNightRate, st.Ward, isNurse, p, "", ReasonWard)
		g.hourly(from, to, hcaRate, st.Ward, isHCA, p, "", ReasonWard)
		g.hourly(df, dt, 0.05, st.Ward, func(r Role) bool { return r == WardClerk }, p, "", ReasonWard)
	}
	from, to := g.span(v.Start, end)
	if to.After(from) {
		g.doctors(v, from, to)
		g.services(v, from, to)
	}
	g.afterDischarge(v)
}

// doctors adds the consultant's round, the juniors' work, consultations
// and the referrer's look at how their patient is doing.
func (g *dayGen) doctors(v *Visit, from, to time.Time) {
	w, p := g.w, v.Patient
	sd := w.specialtyDept(v.Specialty)
	rf, rt := maxTime(from, w.at(g.d, 8, 30)), minTime(to, w.at(g.d, 12, 30))
	if rt.After(rf) {
		g.around(v.Attending, poisson(g.r, 1.5), rf, rt, p, "", ReasonDirectCare)
	}
	g.hourly(maxTime(from, w.at(g.d, 8, 0)), minTime(to, w.at(g.d, 20, 0)), juniorDayRate, sd, isJunior, p, "", ReasonTeam)
	g.hourly(from, minTime(to, w.at(g.d, 8, 0)), juniorNightRate, sd, isJunior, p, "", ReasonTeam)
	g.hourly(maxTime(from, w.at(g.d, 20, 0)), to, juniorNightRate, sd, isJunior, p, "", ReasonTeam)
	if v.Admitting != v.Attending && v.Start.After(from.Add(-24*time.Hour)) {
		g.around(v.Admitting, 1+g.r.IntN(2), maxTime(from, v.Start), minTime(to, v.Start.Add(24*time.Hour)), p, "", ReasonDirectCare)
	}
	for _, c := range v.Consults {
		if c.From.Before(to) && to.Sub(c.From) < 72*time.Hour {
			g.around(c.Staff, poisson(g.r, 1.5), maxTime(from, c.From), to, p, "", ReasonDirectCare)
		}
	}
	if v.Referrer >= 0 && to.Sub(v.Start) < 48*time.Hour {
		g.around(v.Referrer, poisson(g.r, 0.8), from, to, p, "", ReasonReferral)
	}
}

// services adds pharmacy, physiotherapy and imaging.
func (g *dayGen) services(v *Visit, from, to time.Time) {
	w, p := g.w, v.Patient
	office0, office1 := maxTime(from, w.at(g.d, 9, 0)), minTime(to, w.at(g.d, 17, 0))
	if office1.After(office0) && chance(g.r, 0.8) {
		g.n(1+g.r.IntN(2), office0, office1, w.deptIndex(deptPharmacy), func(r Role) bool { return r == Pharmacist }, p, "", ReasonService)
	}
	switch v.Specialty {
	case "Trauma and Orthopaedics", "Elderly Care", "Respiratory Medicine", "General Medicine":
		if office1.After(office0) && chance(g.r, 0.5) {
			g.n(1, office0, office1, w.deptIndex(deptPhysio), func(r Role) bool { return r == Physiotherapist }, p, "", ReasonService)
		}
	}
	if chance(g.r, 0.2) {
		g.n(1+g.r.IntN(2), from, to, w.deptIndex(deptRadiol), func(r Role) bool { return r == Radiographer }, p, "", ReasonService)
	}
}

// n adds n accesses over [from, to) by whoever of dept is at work.
func (g *dayGen) n(n int, from, to time.Time, dept int16, match func(Role) bool, p int32, nhs string, why Reason) {
	for ; n > 0; n-- {
		t := between(g.r, from, to)
		g.add(t, g.pickAt(dept, t, match), p, nhs, why)
	}
}

// afterDischarge adds the discharge summary (attending), the letter
// (the specialty's secretary) and coding (medical records) in the days
// after an inpatient stay.
func (g *dayGen) afterDischarge(v *Visit) {
	if v.End.IsZero() {
		return
	}
	w, p := g.w, v.Patient
	after := g.d - w.dayIndex(v.End)
	if after < 1 {
		return
	}
	office0, office1 := w.at(g.d, 8, 30), w.at(g.d, 17, 0)
	key := int(v.Start.Unix()) // fixes, per visit, which day each follow-up falls on
	if after == 1 && hash01(w.cfg.Seed, key, 1) < 0.5 {
		g.around(v.Attending, 1, office0, office1, p, "", ReasonDirectCare)
	}
	if after == 1+int(hash01(w.cfg.Seed, key, 2)*3) {
		g.n(1+g.r.IntN(2), office0, office1, w.specialtyDept(v.Specialty), func(r Role) bool { return r == MedicalSecretary }, p, "", ReasonTeam)
	}
	if after == 1+int(hash01(w.cfg.Seed, key, 3)*4) {
		g.n(2, office0, office1, w.deptIndex(deptRecords), func(r Role) bool { return r == ClinicalCoder }, p, "", ReasonService)
	}
}

// emergency adds an ED attendance: triage, the ED doctor, nursing,
// imaging, the specialty's junior asked to see the patient, and the ED
// doctor checking results the next day. A visit on a duplicate record is
// opened under its number until the merge.
func (g *dayGen) emergency(v *Visit) {
	w, p := g.w, v.Patient
	ed := v.Stays[0].Ward
	nhs := ""
	if v.NHS != w.Patients[p].NHS {
		nhs = v.NHS
	}
	from, to := g.span(v.Start, v.End)
	if to.After(from) {
		triage := v.Start.Add(time.Duration(5+g.r.IntN(15)) * time.Minute)
		if nurse := g.pickAt(ed, triage, isNurse); nurse >= 0 {
			g.add(triage, nurse, p, nhs, ReasonWard)
			g.add(triage.Add(time.Duration(1+g.r.IntN(20))*time.Minute), nurse, p, nhs, ReasonWard)
		}
		for n := 2 + g.r.IntN(3); n > 0; n-- {
			g.add(between(g.r, maxTime(from, v.Start.Add(20*time.Minute)), to), v.Attending, p, nhs, ReasonDirectCare)
		}
		g.hourly(from, to, 0.6, ed, isNurse, p, nhs, ReasonWard)
		g.hourly(from, to, 0.2, ed, isHCA, p, nhs, ReasonWard)
		if chance(g.r, 0.3) {
			g.n(1, from, to, w.deptIndex(deptRadiol), func(r Role) bool { return r == Radiographer }, p, nhs, ReasonService)
		}
		for _, c := range v.Consults {
			g.add(between(g.r, maxTime(from, c.From), maxTime(to, c.From.Add(time.Minute))), c.Staff, p, nhs, ReasonDirectCare)
			g.add(between(g.r, maxTime(from, c.From), maxTime(to, c.From.Add(time.Minute))), c.Staff, p, nhs, ReasonDirectCare)
		}
	}
	if g.d == w.dayIndex(v.End)+1 && hash01(w.cfg.Seed, int(v.Start.Unix()), 4) < 0.25 {
		// results reviewed after the merge, under the surviving number
		g.around(v.Attending, 1, w.at(g.d, 10, 0), w.at(g.d, 20, 0), p, "", ReasonDirectCare)
	}
}

// clinic adds an outpatient appointment: the clinician preparing the day
// before, seeing the patient (or recording that they did not attend), the
// clinic nurse, and the secretary typing the letter afterwards.
func (g *dayGen) clinic(v *Visit) {
	w, p := g.w, v.Patient
	day := w.dayIndex(v.Start)
	sd := w.specialtyDept(v.Specialty)
	isSec := func(r Role) bool { return r == MedicalSecretary }
	switch g.d - day {
	case -1:
		if chance(g.r, 0.5) {
			g.around(v.Attending, 1, w.at(g.d, 8, 0), w.at(g.d, 18, 0), p, "", ReasonDirectCare)
		}
		if chance(g.r, 0.4) {
			g.n(1, w.at(g.d, 9, 0), w.at(g.d, 16, 0), sd, isSec, p, "", ReasonTeam)
		}
	case 0:
		if v.DNA {
			g.add(v.Start.Add(15*time.Minute), v.Attending, p, "", ReasonDirectCare)
			return
		}
		g.add(between(g.r, v.Start, v.End), v.Attending, p, "", ReasonDirectCare)
		g.add(between(g.r, v.Start, v.End.Add(30*time.Minute)), v.Attending, p, "", ReasonDirectCare)
		if chance(g.r, 0.6) {
			t := v.Start.Add(-time.Duration(g.r.IntN(10)) * time.Minute)
			g.add(t, g.pickAt(v.Stays[0].Ward, t, func(r Role) bool { return r == StaffNurse || r == HealthcareAssistant }), p, "", ReasonWard)
		}
	case 1, 2, 3:
		if !v.DNA && g.d-day == 1+int(hash01(w.cfg.Seed, int(v.Start.Unix()), 5)*3) {
			g.n(1+g.r.IntN(2), w.at(g.d, 9, 0), w.at(g.d, 16, 30), sd, isSec, p, "", ReasonTeam)
		}
	}
}

// clerks adds the accesses of whoever keyed each of the day's ADT
// messages: they open the record as they key it, a registration after a
// search by name and birth date.
func (g *dayGen) clerks() {
	w := g.w
	for _, m := range w.adt["adt/"+w.day(g.d).Format("2006-01-02")+".hl7"] {
		if m.Operator < 0 {
			continue
		}
		p, nhs := m.Patient, ""
		if m.Visit >= 0 {
			v := &w.Visits[m.Visit]
			p = v.Patient
			if v.NHS != w.Patients[p].NHS && m.Event != "A40" {
				nhs = v.NHS
			}
		}
		t := m.At.Add(-time.Duration(g.r.IntN(300)) * time.Second)
		if m.Event == "A04" || (m.Event == "A01" && chance(g.r, 0.5)) {
			g.search(t.Add(-time.Minute), m.Operator, p)
		}
		g.add(t, m.Operator, p, nhs, ReasonClerk)
	}
}

// search adds a search by surname and birth date that lists p and perhaps
// others of the same name.
func (g *dayGen) search(t time.Time, user, p int32) {
	w := g.w
	pt := &w.Patients[p]
	listed := []int32{p}
	q := searchQuery("family", pt.Family, "birthdate", birthParam(pt.Born))
	if chance(g.r, 0.4) {
		q = searchQuery("family", pt.Family, "given", pt.Given)
		for _, o := range w.bySurname[pt.Family] {
			if o != p && w.Patients[o].Given == pt.Given && len(listed) < 6 {
				listed = append(listed, o)
			}
		}
	}
	if t.Before(w.day(g.d)) {
		return
	}
	g.out = append(g.out, access{At: t, User: user, Patient: -1, Kind: evSearch, Listed: listed, Query: q, Reason: ReasonSearch, Misuse: -1})
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
