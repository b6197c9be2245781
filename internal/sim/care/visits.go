package care

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// Visit is one episode of care: an inpatient stay, an Emergency Department
// attendance or an outpatient appointment.
type Visit struct {
	Patient   int32
	NHS       string // the NHS number it is recorded under: a duplicate record's until merged
	Number    string // PV1-19 visit number
	Class     byte   // PV1-2: 'I' inpatient, 'E' emergency, 'O' outpatient
	Specialty string // PV1-10 hospital service
	Stays     []Stay // wards in order; the first is where it began
	Start     time.Time
	End       time.Time // discharge; zero when still open at the end of the log
	Attending int32     // PV1-7
	Admitting int32     // PV1-17, or -1
	Referrer  int32     // PV1-8 when a member of staff referred, or -1
	GP        int       // PV1-8 when a GP referred: index into gpNames, or -1
	Consults  []Consult // PV1-9, added by A08 updates
	Operators []int32   // who keyed its messages (EVN-5)
	Cancelled bool      // admitted in error and cancelled (A11)
	Died      bool      // the patient died at End
	DNA       bool      // outpatient did not attend
	Booked    time.Time // outpatient: when the appointment was booked
	From      int32     // inpatient admitted from the ED: that visit, else -1
}

// Stay is a period on one ward, from its start until the next stay or the
// end of the visit.
type Stay struct {
	Ward int16
	From time.Time
}

// Consult is a clinician added to a visit by an A08 update.
type Consult struct {
	Staff int32
	From  time.Time
}

// wardAt returns the ward the visit was on at t.
func (v *Visit) wardAt(t time.Time) int16 {
	ward := v.Stays[0].Ward
	for _, s := range v.Stays {
		if !t.Before(s.From) {
			ward = s.Ward
		}
	}
	return ward
}

// stayEnd returns when stay i ends.
func (v *Visit) stayEnd(i int, logEnd time.Time) time.Time {
	switch {
	case i+1 < len(v.Stays):
		return v.Stays[i+1].From
	case v.End.IsZero():
		return logEnd
	}
	return v.End
}

// Rates of care per patient per day, tuned so that a small trust (5,000
// patients) has about 60 inpatients, 20 ED attendances and 30 outpatient
// appointments a day, and a log of about 100,000 accesses in 30 days.
const (
	electiveRate    = 0.002
	emergencyRate   = 0.0042
	outpatientRate  = 0.0065
	admitFromED     = 0.27
	preLogDays      = 14 // admissions this long before the log are still on the wards when it starts
	communityDeaths = 0.004
)

// request is a visit waiting for a patient.
type request struct {
	at      time.Time
	class   byte
	patient int32 // a patient chosen in advance, or -1
	ward    int16 // a ward chosen in advance, or -1
}

func (w *World) buildVisits() {
	r := newRand(w.cfg.Seed, streamVisits)
	rc := newRotaCache(w)
	w.dupNHS = map[string]int32{}
	w.communityDeaths(r, rc)
	w.patientIndexLoad()
	reqs := w.requests(r)
	busy := make([]time.Time, len(w.Patients))
	byAge := w.ageWeights()
	for _, q := range reqs {
		p := q.patient
		for tries := 0; p < 0 || !w.free(p, q.at, busy); tries++ {
			if tries > 50 {
				p = -1
				break
			}
			p = int32(byAge.pick(r))
		}
		if p < 0 {
			continue
		}
		switch q.class {
		case 'I':
			w.elective(r, rc, p, q.at, q.ward, busy)
		case 'E':
			w.emergency(r, rc, p, q.at, busy)
		case 'O':
			w.outpatient(r, rc, p, q.at)
		}
	}
	w.indexDays()
}

// free reports whether patient p can start a visit at t: alive, not in
// hospital.
func (w *World) free(p int32, t time.Time, busy []time.Time) bool {
	pt := &w.Patients[p]
	return t.After(busy[p]) && (pt.Died.IsZero() || t.Before(pt.Died.Add(-24*time.Hour)))
}

// ageWeights makes older patients likelier to need care.
func (w *World) ageWeights() weighted {
	ws := make([]float64, len(w.Patients))
	for i := range w.Patients {
		ws[i] = 1 + float64(age(w.Patients[i].Born, w.first))/20
	}
	return newWeighted(ws)
}

// requests lays out every visit in time order: elective admissions on
// weekday mornings, emergency attendances round the clock (busiest from
// late morning to late evening), clinics in weekday office hours; plus the
// planned cases that make the log hard to read naively.
func (w *World) requests(r *rand.Rand) []request {
	var out []request
	total := float64(w.cfg.Patients)
	for d := -preLogDays; d < w.cfg.Days; d++ {
		wd := w.day(d).Weekday()
		weekday := wd != time.Saturday && wd != time.Sunday
		if weekday {
			for n := poisson(r, electiveRate*total*7/5); n > 0; n-- {
				out = append(out, request{at: w.at(d, 8, 30).Add(time.Duration(r.IntN(150)) * time.Minute), class: 'I', patient: -1, ward: -1})
			}
		}
		for n := poisson(r, emergencyRate*total); n > 0; n-- {
			out = append(out, request{at: w.at(d, 0, 0).Add(edArrival(r)), class: 'E', patient: -1, ward: -1})
		}
		if weekday && d >= 0 {
			for n := poisson(r, outpatientRate*total*7/5); n > 0; n-- {
				out = append(out, request{at: w.at(d, 9, 0).Add(time.Duration(r.IntN(16)) * 30 * time.Minute), class: 'O', patient: -1, ward: -1})
			}
		}
	}
	out = append(out, w.plannedCases(r)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// edArrival is the time after midnight of an arrival at the ED.
func edArrival(r *rand.Rand) time.Duration {
	hour := []float64{2, 1.5, 1.2, 1, 1, 1, 1.5, 2.5, 4, 5.5, 6.5, 6.5, 6.5, 6, 6, 6, 6, 6, 6, 5.5, 5, 4.5, 3.5, 2.5}
	h := newWeighted(hour).pick(r)
	return time.Duration(h)*time.Hour + time.Duration(r.IntN(3600))*time.Second
}

// plannedCases are visits chosen in advance: about a third of VIPs come in,
// and some staff who are patients are admitted to the ward they work on,
// cared for by the colleagues they work with.
func (w *World) plannedCases(r *rand.Rand) []request {
	var out []request
	when := func() time.Time { return w.at(r.IntN(w.cfg.Days), 9, 0).Add(time.Duration(r.IntN(240)) * time.Minute) }
	forced := false // at least one VIP comes in, so that some VIP accesses are legitimate
	for i := range w.Patients {
		if w.Patients[i].VIP != "" && (chance(r, 0.35) || !forced) {
			forced = true
			out = append(out, request{at: when(), class: pick(r, []byte("IE")), patient: int32(i), ward: -1})
		}
	}
	n := max(2, len(w.Staff)/60)
	for i := range w.Staff {
		s := &w.Staff[i]
		if n == 0 {
			break
		}
		if s.Patient < 0 || w.Depts[s.Dept].Kind != WardDept || !chance(r, 0.2) {
			continue
		}
		out = append(out, request{at: when(), class: 'I', patient: s.Patient, ward: s.Dept})
		n--
	}
	return out
}

// elective admits p to a ward of a specialty, sometimes outlying on
// another specialty's ward when beds are short.
func (w *World) elective(r *rand.Rand, rc *rotaCache, p int32, at time.Time, ward int16, busy []time.Time) {
	if ward < 0 {
		ward = w.randomWard(r, "")
	}
	spec := w.Depts[ward].Specialty
	if chance(r, 0.1) {
		spec = w.Depts[w.randomWard(r, "")].Specialty // an outlier
	}
	v := w.newVisit(r, p, 'I', spec, ward, at)
	v.Attending = w.memberOf(r, w.specialtyDept(spec), isConsultant)
	v.Admitting = v.Attending
	if chance(r, 0.8) {
		v.GP = r.IntN(len(gpNames))
	} else {
		v.Referrer = w.memberOf(r, w.specialtyDept(w.Depts[w.randomWard(r, "")].Specialty), isConsultant)
	}
	w.admit(r, rc, v, 4, busy)
	if chance(r, 0.02) {
		w.cancelledAdmission(r, rc, at, ward)
	}
}

// emergency is an ED attendance; about a quarter are admitted to a ward
// under a specialty, referred by the ED doctor and clerked by the
// specialty's on-call junior.
func (w *World) emergency(r *rand.Rand, rc *rotaCache, p int32, at time.Time, busy []time.Time) {
	ed := w.deptIndex(deptED)
	v := w.newVisit(r, p, 'E', "Emergency Medicine", ed, at)
	v.Attending = w.staffAt(r, rc, ed, at.Add(30*time.Minute), Role.doctor)
	reception := w.staffAt(r, rc, ed, at, isReception)
	v.End = at.Add(time.Duration(90+r.IntN(270)) * time.Minute)
	admit := chance(r, admitFromED)
	if !admit && chance(r, 0.02) {
		// registered on a duplicate record, merged the next morning
		v.NHS = w.nhsPerm.next()
		w.dupNHS[v.NHS] = p
	}
	vi := w.addVisit(v)
	w.emit(message{At: at, Event: "A04", Visit: vi, Operator: reception})
	var ward int16 = -1
	if admit {
		ward = w.randomWard(r, "")
		reg := w.staffAt(r, rc, w.specialtyDept(w.Depts[ward].Specialty), v.End.Add(-time.Hour), isJunior)
		w.addConsult(vi, reg, v.End.Add(-time.Hour), rc)
	}
	w.emit(message{At: v.End, Event: "A03", Visit: vi, Operator: w.staffAt(r, rc, ed, v.End, isReception)})
	busy[p] = v.End
	if w.Visits[vi].NHS != w.Patients[p].NHS {
		w.emit(message{At: w.at(w.dayIndex(v.End)+1, 9, 30), Event: "A40", Visit: vi, Operator: w.memberOf(r, w.deptIndex(deptRecords), func(Role) bool { return true })})
	}
	if ward < 0 {
		return
	}
	spec := w.Depts[ward].Specialty
	in := w.newVisit(r, p, 'I', spec, ward, v.End.Add(10*time.Minute))
	in.Attending = w.memberOf(r, w.specialtyDept(spec), isConsultant)
	in.Admitting = in.Attending
	if cs := w.Visits[vi].Consults; len(cs) > 0 {
		in.Admitting = cs[0].Staff
	}
	in.Referrer = v.Attending
	in.From = vi
	w.admit(r, rc, in, 6, busy)
}

// admit adds an inpatient visit with its admission, perhaps a transfer and
// a consultation, and its discharge (perhaps keyed in error and cancelled
// first), or death.
func (w *World) admit(r *rand.Rand, rc *rotaCache, v Visit, meanDays float64, busy []time.Time) {
	stay := time.Duration((0.3 + r.ExpFloat64()*meanDays) * 24 * float64(time.Hour))
	end := v.Start.Add(stay)
	end = time.Date(end.Year(), end.Month(), end.Day(), 10+r.IntN(7), r.IntN(60), 0, 0, london)
	if !end.After(v.Start.Add(4 * time.Hour)) {
		end = v.Start.Add(time.Duration(4+r.IntN(6)) * time.Hour)
	}
	vi := w.addVisit(v)
	w.emit(message{At: v.Start, Event: "A01", Visit: vi, Operator: w.keyer(r, rc, v.Stays[0].Ward, v.Start)})
	span := end.Sub(v.Start)
	if chance(r, 0.2) && span > 36*time.Hour {
		t := v.Start.Add(span/3 + time.Duration(r.Int64N(int64(span/3))))
		to := w.randomWard(r, "")
		if to != v.Stays[0].Ward {
			w.Visits[vi].Stays = append(w.Visits[vi].Stays, Stay{Ward: to, From: t})
			w.emit(message{At: t, Event: "A02", Visit: vi, Operator: w.keyer(r, rc, to, t)})
		}
	}
	if chance(r, 0.25) && span > 24*time.Hour {
		t := v.Start.Add(6*time.Hour + time.Duration(r.Int64N(int64(span/2))))
		spec := w.Depts[w.randomWard(r, "")].Specialty
		if spec != v.Specialty {
			w.addConsult(vi, w.memberOf(r, w.specialtyDept(spec), isConsultant), t, rc)
		}
	}
	busy[v.Patient] = end
	if !end.Before(w.end) {
		return // still in hospital when the log ends
	}
	vv := &w.Visits[vi]
	vv.End = end
	if age(w.Patients[v.Patient].Born, end) >= 75 && chance(r, 0.04) {
		vv.Died = true
		w.Patients[v.Patient].Died, w.Patients[v.Patient].deathKnown = end, end
	}
	if !vv.Died && chance(r, 0.03) {
		// discharged in error and cancelled; the real discharge follows
		w.emit(message{At: end, Event: "A03", Visit: vi, Operator: w.keyer(r, rc, vv.wardAt(end), end), Discharge: end})
		w.emit(message{At: end.Add(time.Duration(20+r.IntN(60)) * time.Minute), Event: "A13", Visit: vi, Operator: w.keyer(r, rc, vv.wardAt(end), end)})
		end = end.Add(time.Duration(20+r.IntN(28)) * time.Hour)
		vv.End, busy[v.Patient] = end, end
		if !end.Before(w.end) {
			vv.End = time.Time{}
			return
		}
	}
	w.emit(message{At: end, Event: "A03", Visit: vi, Operator: w.keyer(r, rc, vv.wardAt(end), end), Discharge: end})
}

// cancelledAdmission is an admission keyed against the wrong patient and
// cancelled (A11) minutes later; only the clerk who keyed it opened the
// record.
func (w *World) cancelledAdmission(r *rand.Rand, rc *rotaCache, at time.Time, ward int16) {
	p := int32(r.IntN(len(w.Patients)))
	if !w.Patients[p].Died.IsZero() {
		return
	}
	v := w.newVisit(r, p, 'I', w.Depts[ward].Specialty, ward, at.Add(5*time.Minute))
	v.Attending = w.memberOf(r, w.specialtyDept(v.Specialty), isConsultant)
	v.Admitting = v.Attending
	v.Cancelled = true
	v.End = v.Start.Add(time.Duration(10+r.IntN(30)) * time.Minute)
	op := w.keyer(r, rc, ward, v.Start)
	vi := w.addVisit(v)
	w.emit(message{At: v.Start, Event: "A01", Visit: vi, Operator: op})
	w.emit(message{At: v.End, Event: "A11", Visit: vi, Operator: op})
}

// outpatient books a clinic appointment (SIU^S12) and, unless the patient
// does not attend, registers the attendance (A04) on the day.
func (w *World) outpatient(r *rand.Rand, rc *rotaCache, p int32, at time.Time) {
	spec := w.Depts[w.randomWard(r, "")].Specialty
	sd := w.specialtyDept(spec)
	op := w.deptIndex(deptOP)
	v := w.newVisit(r, p, 'O', spec, op, at)
	v.Attending = w.memberOf(r, sd, func(ro Role) bool { return ro == Consultant || ro == Registrar })
	v.End = at.Add(time.Duration(20+r.IntN(20)) * time.Minute)
	v.Booked = at.AddDate(0, 0, -7-r.IntN(50)).Add(-time.Duration(r.IntN(4)) * time.Hour)
	if chance(r, 0.7) {
		v.GP = r.IntN(len(gpNames))
	} else {
		v.Referrer = w.memberOf(r, w.specialtyDept(w.Depts[w.randomWard(r, "")].Specialty), isConsultant)
	}
	v.DNA = chance(r, 0.08)
	vi := w.addVisit(v)
	w.emit(message{At: v.Booked, Event: "S12", Visit: vi, Operator: w.memberOf(r, op, isReception), File: "appointments/" + at.Format("2006-01-02") + ".hl7"})
	if !v.DNA {
		w.emit(message{At: at.Add(-time.Duration(5+r.IntN(15)) * time.Minute), Event: "A04", Visit: vi, Operator: w.staffAt(r, rc, op, at.Add(-10*time.Minute), isReception)})
	}
}

// communityDeaths marks elderly patients who died outside hospital in the
// two months before or during the log; the trust learns of each from the
// national spine and records it with an A08 (PID-29 date of death).
func (w *World) communityDeaths(r *rand.Rand, rc *rotaCache) {
	records := w.deptIndex(deptRecords)
	for i := range w.Patients {
		p := &w.Patients[i]
		if age(p.Born, w.first) < 70 || p.Staff >= 0 || !chance(r, communityDeaths) {
			continue
		}
		died := w.at(-60+r.IntN(60+w.cfg.Days), 0, 0).Add(time.Duration(r.IntN(86400)) * time.Second)
		known := w.at(w.dayIndex(died)+1+r.IntN(2), 9, 0).Add(time.Duration(r.IntN(420)) * time.Minute)
		if !known.Before(w.end) {
			continue // learnt of after the log ends: not dead in this world
		}
		p.Died, p.deathKnown = died, known
		w.emit(message{At: known, Event: "A08", Visit: -1, Patient: int32(i), Operator: w.staffAt(r, rc, records, known, func(Role) bool { return true })})
	}
}

// patientIndexLoad sends every patient's demographics and next of kin as
// an A08 update in the small hours before the log begins, as a PAS
// sends its master patient index when a new consumer joins the feed: the
// guardian then knows the name, address and family of patients who have
// no visit in the log.
func (w *World) patientIndexLoad() {
	at := w.at(-1, 1, 0)
	for i := range w.Patients {
		w.emit(message{At: at.Add(time.Duration(i/50) * time.Second), Event: "A08", Visit: -1, Patient: int32(i), Operator: -1})
	}
}

func (w *World) newVisit(r *rand.Rand, p int32, class byte, spec string, ward int16, at time.Time) Visit {
	return Visit{
		Patient: p, NHS: w.Patients[p].NHS, Number: fmt.Sprintf("%c%09d", class, len(w.Visits)*10+r.IntN(10)),
		Class: class, Specialty: spec, Stays: []Stay{{Ward: ward, From: at}}, Start: at,
		Admitting: -1, Referrer: -1, GP: -1, From: -1,
	}
}

func (w *World) addVisit(v Visit) int32 {
	i := int32(len(w.Visits))
	w.Visits = append(w.Visits, v)
	w.Patients[v.Patient].Visits = append(w.Patients[v.Patient].Visits, i)
	return i
}

// addConsult adds a consulting clinician to a visit with an A08.
func (w *World) addConsult(vi, staff int32, at time.Time, rc *rotaCache) {
	if staff < 0 {
		return
	}
	v := &w.Visits[vi]
	v.Consults = append(v.Consults, Consult{Staff: staff, From: at})
	w.emit(message{At: at, Event: "A08", Visit: vi, Operator: w.keyer(nil, rc, v.wardAt(at), at)})
}

// keyer is who keys an ADT event on a ward: the ward clerk in office hours,
// otherwise a nurse on shift (the ED's receptionist in the ED).
func (w *World) keyer(r *rand.Rand, rc *rotaCache, ward int16, t time.Time) int32 {
	if w.Depts[ward].Kind == EmergencyDept {
		return w.staffAt(r, rc, ward, t, isReception)
	}
	if c := w.atWork(rc, ward, t, func(ro Role) bool { return ro == WardClerk }, nil); len(c) > 0 {
		return c[0]
	}
	return w.staffAt(r, rc, ward, t, isNurse)
}

// staffAt picks a member of dept with a matching role at work at t, else
// any employed one (someone was called in).
func (w *World) staffAt(r *rand.Rand, rc *rotaCache, dept int16, t time.Time, match func(Role) bool) int32 {
	on := w.atWork(rc, dept, t, match, nil)
	if len(on) > 0 {
		if r == nil {
			return on[0]
		}
		return pick(r, on)
	}
	return w.memberOf(r, dept, match)
}

// memberOf picks any employed member of dept with a matching role, or -1.
func (w *World) memberOf(r *rand.Rand, dept int16, match func(Role) bool) int32 {
	var c []int32
	for _, i := range w.staffByDept[dept] {
		if match(w.Staff[i].Role) && w.Staff[i].End.IsZero() {
			c = append(c, i)
		}
	}
	if len(c) == 0 {
		return -1
	}
	if r == nil {
		return c[0]
	}
	return pick(r, c)
}

// randomWard picks a ward, of the given specialty if not "".
func (w *World) randomWard(r *rand.Rand, spec string) int16 {
	for {
		i := int16(r.IntN(len(w.Depts)))
		if d := w.Depts[i]; d.Kind == WardDept && (spec == "" || d.Specialty == spec) {
			return i
		}
	}
}

// specialtyDept returns the department of a specialty's doctors.
func (w *World) specialtyDept(spec string) int16 {
	for i, d := range w.Depts {
		if d.Kind == SpecialtyDept && d.Specialty == spec {
			return int16(i)
		}
	}
	return w.deptIndex(deptED)
}

// followUp is how long after a visit ends its clinicians and team still
// open the record (results, letters, discharge summaries, coding).
const followUp = 5 * 24 * time.Hour

// indexDays lists, for each log day, the visits that are open or in their
// follow-up period on it.
func (w *World) indexDays() {
	w.dayVisits = make([][]int32, w.cfg.Days)
	for i := range w.Visits {
		v := &w.Visits[i]
		end := v.End
		if end.IsZero() {
			end = w.end
		}
		from := max(0, w.dayIndex(v.Start)-1) // the day before: clinic preparation
		to := min(w.cfg.Days-1, w.dayIndex(end.Add(followUp)))
		for d := from; d <= to; d++ {
			w.dayVisits[d] = append(w.dayVisits[d], int32(i))
		}
	}
}
