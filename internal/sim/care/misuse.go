package care

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Misuse kinds, as truth.json names them.
const (
	KindFamily        = "family"
	KindCoworker      = "coworker"
	KindVIP           = "vip"
	KindNeighbour     = "neighbour"
	KindSelf          = "self"
	KindDeceased      = "deceased"
	KindMassLookup    = "mass_lookup"
	KindNoRelation    = "no_relationship"
	KindDeptMismatch  = "department_mismatch"
	KindOutOfHours    = "out_of_hours"
	KindBreakGlass    = "breakglass_misuse"
	KindRepeatOffence = "repeat_offender"
)

// Kinds lists every misuse kind in the order incidents are injected.
var Kinds = []string{
	KindFamily, KindCoworker, KindVIP, KindNeighbour, KindSelf, KindDeceased, KindMassLookup,
	KindNoRelation, KindDeptMismatch, KindOutOfHours, KindBreakGlass, KindRepeatOffence,
}

// accessesPerIncident sets how rare misuse is: one incident per this many
// accesses, and at least one of every kind.
const accessesPerIncident = 12_000

// misusePair is one user-patient pair of misuse and the kinds it is.
type misusePair struct {
	User, Patient int32
	Kinds         []string
	Note          string
	accesses      int
	first, last   time.Time
}

// review is the later review of one break-glass episode.
type review struct {
	eventID       string
	at            time.Time
	user, patient int32
	justified     bool
	reason        string
}

// injector plans the misuse of the whole log before any day is written.
type injector struct {
	w       *World
	r       *rand.Rand
	pairs   []misusePair
	byPair  map[[2]int32]int32
	byDay   [][]access
	users   map[int32]bool // misusers so far: one incident each, but repeat offenders
	reviews *[]review
}

func (w *World) planMisuse(reviews *[]review) *injector {
	m := &injector{w: w, r: newRand(w.cfg.Seed, streamMisuse), byPair: map[[2]int32]int32{},
		byDay: make([][]access, w.cfg.Days), users: map[int32]bool{}, reviews: reviews}
	n := max(len(Kinds), w.cfg.Patients*20*w.cfg.Days/30/accessesPerIncident)
	for i := 0; i < n; i++ {
		kind := Kinds[i%len(Kinds)]
		for tries := 0; tries < 50 && !m.incident(kind); tries++ {
		}
	}
	return m
}

// incident injects one incident of a kind; false when the candidates drawn
// did not fit, so that the caller draws again.
func (m *injector) incident(kind string) bool {
	switch kind {
	case KindVIP:
		return m.vip()
	case KindMassLookup:
		return m.massLookup()
	case KindDeptMismatch:
		return m.deptMismatch()
	case KindRepeatOffence:
		return m.repeatOffender()
	}
	u := m.misuser(kind)
	if u < 0 {
		return false
	}
	remote := kind == KindOutOfHours
	t := m.workTime(u, remote)
	if t.IsZero() {
		return false
	}
	p, note := m.victim(kind, u, t)
	if p < 0 {
		return false
	}
	m.users[u] = true
	pi := m.pair(u, p, kind, note)
	if kind == KindBreakGlass {
		m.breakGlass(pi, t)
		return true
	}
	if kind == KindNoRelation && chance(m.r, 0.5) {
		m.search(u, t.Add(-time.Minute), p, false)
	}
	m.reads(pi, t, 1+m.r.IntN(3), remote)
	return true
}

// misuser draws a member of staff who has not misused before and fits the
// kind: a relative for family, a patient record for self, an office-hours
// worker for out-of-hours, a clinician for break-glass.
func (m *injector) misuser(kind string) int32 {
	w := m.w
	for tries := 0; tries < 200; tries++ {
		u := int32(m.r.IntN(len(w.Staff)))
		s := &w.Staff[u]
		if m.users[u] || s.Role == Porter || !s.End.IsZero() {
			continue
		}
		ok := true
		switch kind {
		case KindSelf:
			ok = s.Patient >= 0
		case KindFamily:
			ok = len(m.relatives(u)) > 0
		case KindOutOfHours:
			ok = s.shift == planOffice || s.shift == planNone || s.shift == planConsultant || s.shift == planSister
		case KindBreakGlass:
			ok = s.Role.doctor() || isNurse(s.Role)
		case KindDeceased:
			ok = w.Depts[s.Dept].Kind != RecordsDept
		}
		if ok {
			return u
		}
	}
	return -1
}

// relatives are u's household and the patients who name u as next of kin.
func (m *injector) relatives(u int32) []int32 {
	w := m.w
	s := &w.Staff[u]
	var out []int32
	if s.Patient >= 0 {
		hh := w.Patients[s.Patient].Household
		for _, q := range w.byStreet[w.Addresses[s.Address].Street] {
			if q != s.Patient && w.Patients[q].Household == hh {
				out = append(out, q)
			}
		}
	}
	for i := range w.Patients {
		if w.Patients[i].Kin.Staff == u {
			out = append(out, int32(i))
		}
	}
	return out
}

// workTime is a moment when u is at work on some day of the log (any day
// between 21:30 and 05:00, from home, when remote).
func (m *injector) workTime(u int32, remote bool) time.Time {
	w := m.w
	for tries := 0; tries < 40; tries++ {
		d := m.r.IntN(w.cfg.Days)
		if remote {
			t := w.at(d, 21, 30).Add(time.Duration(m.r.IntN(450)) * time.Minute)
			if w.Staff[u].employed(t) && t.Before(w.end.Add(-3*time.Hour)) {
				return t
			}
			continue
		}
		sl := w.slotFor(u, d)
		if w.Staff[u].shift == planNone && w.Staff[u].employed(w.day(d)) && w.day(d).Weekday()%6 != 0 {
			return w.at(d, 10, 0).Add(time.Duration(m.r.IntN(360)) * time.Minute)
		}
		if sl == offShift {
			continue
		}
		from, to := w.window(u, d, sl)
		t := between(m.r, from.Add(time.Hour), to.Add(-2*time.Hour))
		if t.Before(w.end.Add(-3 * time.Hour)) {
			return t
		}
	}
	return time.Time{}
}

// victim picks the patient of a kind for u at t, with a note on why it is
// misuse; -1 when none fits.
func (m *injector) victim(kind string, u int32, t time.Time) (int32, string) {
	w := m.w
	s := &w.Staff[u]
	switch kind {
	case KindSelf:
		return s.Patient, "opened their own record"
	case KindFamily:
		rel := m.relatives(u)
		p := pick(m.r, rel)
		if w.related(u, p, t) || !w.Patients[p].Died.IsZero() {
			return -1, ""
		}
		pt := &w.Patients[p]
		if pt.Kin.Staff == u {
			return p, fmt.Sprintf("user is the patient's next of kin (%s)", pt.Kin.RelText)
		}
		return p, fmt.Sprintf("same household at %s, %s", w.addressLine(pt.Address), w.Addresses[pt.Address].Postcode)
	case KindCoworker:
		return m.coworker(u, t)
	case KindNeighbour:
		return m.neighbourOf(u, t)
	case KindDeceased:
		for tries := 0; tries < 400; tries++ {
			p := int32(m.r.IntN(len(w.Patients)))
			pt := &w.Patients[p]
			if !pt.deathKnown.IsZero() && t.After(pt.deathKnown.Add(time.Hour)) && !w.related(u, p, t) &&
				!w.family(u, p) && !w.neighbour(u, p) && pt.VIP == "" && pt.Staff < 0 {
				return p, "patient died " + pt.Died.In(london).Format("2006-01-02")
			}
		}
		return -1, ""
	case KindOutOfHours:
		p := m.pureVictim(u, t)
		return p, "opened at " + t.In(london).Format("15:04") + " from the VPN, outside the user's hours"
	case KindBreakGlass:
		return m.pureVictim(u, t), "emergency override with no clinical involvement; review found it unjustified"
	}
	return m.pureVictim(u, t), "no care relationship"
}

// pureVictim is a random patient with no link of any kind to u at t.
func (m *injector) pureVictim(u int32, t time.Time) int32 {
	for tries := 0; tries < 400; tries++ {
		p := int32(m.r.IntN(len(m.w.Patients)))
		if m.w.pure(u, p, t) && m.byPair[[2]int32{u, p}] == 0 {
			return p
		}
	}
	return -1
}

// coworker is a colleague's record, from u's own department when one is
// a patient.
func (m *injector) coworker(u int32, t time.Time) (int32, string) {
	w := m.w
	cands := w.staffByDept[w.Staff[u].Dept]
	if chance(m.r, 0.4) {
		cands = nil
	}
	for tries := 0; tries < 300; tries++ {
		var c int32
		if len(cands) > 0 && tries < 50 {
			c = pick(m.r, cands)
		} else {
			c = int32(m.r.IntN(len(w.Staff)))
		}
		p := w.Staff[c].Patient
		if c == u || p < 0 || w.related(u, p, t) || w.family(u, p) || w.neighbour(u, p) || w.Patients[p].VIP != "" {
			continue
		}
		return p, fmt.Sprintf("colleague: %s, %s", w.Staff[c].Role, w.Depts[w.Staff[c].Dept].Name)
	}
	return -1, ""
}

// neighbourOf is someone on u's street or in u's postcode, of another
// household and surname.
func (m *injector) neighbourOf(u int32, t time.Time) (int32, string) {
	w := m.w
	s := &w.Staff[u]
	a := w.Addresses[s.Address]
	near := w.byStreet[a.Street]
	for tries := 0; tries < 3*len(near); tries++ {
		p := pick(m.r, near)
		pt := &w.Patients[p]
		if p == s.Patient || w.family(u, p) || w.related(u, p, t) || pt.Staff >= 0 || pt.VIP != "" || !pt.Died.IsZero() {
			continue
		}
		where := "same street"
		if w.Addresses[pt.Address].Postcode == a.Postcode {
			where = "same postcode"
		}
		return p, fmt.Sprintf("%s: patient at %s, user at %s", where, w.addressLine(pt.Address), w.addressLine(s.Address))
	}
	return -1, ""
}

// vip is one or two staff looking up a watch-list patient, while the
// patient is in hospital if they come in during the log.
func (m *injector) vip() bool {
	w := m.w
	var vips []int32
	for i := range w.Patients {
		if w.Patients[i].VIP != "" && w.Patients[i].Died.IsZero() {
			vips = append(vips, int32(i))
		}
	}
	p := pick(m.r, vips)
	ok := false
	for k := 1 + m.r.IntN(2); k > 0; k-- {
		u := m.misuser(KindVIP)
		if u < 0 {
			continue
		}
		t := m.workTime(u, false)
		if vs := w.Patients[p].Visits; len(vs) > 0 {
			if v := &w.Visits[vs[0]]; !v.Cancelled && !v.Start.Before(w.first) {
				t = v.Start.Add(time.Duration(2+m.r.IntN(30)) * time.Hour)
				if !w.staffWorks(u, t) {
					continue
				}
			}
		}
		if t.IsZero() || !t.Before(w.end.Add(-time.Hour)) || w.related(u, p, t) || w.family(u, p) || w.neighbour(u, p) || w.Staff[u].Patient == p {
			continue
		}
		m.users[u] = true
		m.reads(m.pair(u, p, KindVIP, "watch list: "+w.Patients[p].VIP), t, 1+m.r.IntN(2), false)
		ok = true
	}
	return ok
}

// staffWorks reports whether u is on shift at t.
func (w *World) staffWorks(u int32, t time.Time) bool {
	d := w.dayIndex(t)
	for _, dd := range [2]int{d - 1, d} {
		if sl := w.slotFor(u, dd); sl != offShift {
			if from, to := w.window(u, dd, sl); !t.Before(from) && t.Before(to) {
				return true
			}
		}
	}
	return false
}

// massLookup is a user running searches (by a common surname or a
// postcode sector) and opening many of the patients listed, none with any
// reason to.
func (m *injector) massLookup() bool {
	w := m.w
	u := m.misuser(KindMassLookup)
	if u < 0 {
		return false
	}
	t := m.workTime(u, false)
	if t.IsZero() {
		return false
	}
	opened := 0
	for s := 0; s < 3+m.r.IntN(6) || (opened < 12 && s < 20); s++ {
		t = t.Add(time.Duration(5+m.r.IntN(15)) * time.Minute)
		listed, q := m.lookupList(u)
		m.byDay[w.dayIndex(t)] = append(m.byDay[w.dayIndex(t)], access{At: t, User: u, Patient: -1, Kind: evSearch, Listed: listed, Query: q, Misuse: -1, Bad: true})
		for _, p := range listed {
			if !chance(m.r, 0.6) || !w.pure(u, p, t) || m.byPair[[2]int32{u, p}] != 0 {
				continue
			}
			at := t.Add(time.Duration(10+m.r.IntN(240)) * time.Second)
			m.reads(m.pair(u, p, KindMassLookup, "opened after search "+q), at, 1+m.r.IntN(2), false)
			opened++
		}
	}
	m.users[u] = true
	return opened > 0
}

// lookupList is the result of a trawling search: up to 20 patients of a
// common surname that is not the user's, or of a postcode sector.
func (m *injector) lookupList(u int32) ([]int32, string) {
	w := m.w
	var list []int32
	var q string
	if chance(m.r, 0.6) {
		name := commonSurnames[m.r.IntN(20)].name
		for name == w.Staff[u].Family {
			name = commonSurnames[m.r.IntN(20)].name
		}
		list, q = w.bySurname[name], searchQuery("family", name)
	} else {
		pc := w.Addresses[w.Patients[m.r.IntN(len(w.Patients))].Address].Postcode
		list, q = w.byPostcode[pc], searchQuery("address-postalcode", pc)
	}
	if len(list) > 20 {
		off := m.r.IntN(len(list) - 20)
		list = list[off : off+20]
	}
	return append([]int32(nil), list...), q
}

// deptMismatch is a clinician of one ward or specialty opening the record
// of an inpatient on another ward under another specialty.
func (m *injector) deptMismatch() bool {
	w := m.w
	for tries := 0; tries < 100; tries++ {
		v := &w.Visits[m.r.IntN(len(w.Visits))]
		if v.Class != 'I' || v.Cancelled || v.Start.Before(w.first) || w.Patients[v.Patient].VIP != "" || w.Patients[v.Patient].Staff >= 0 {
			continue
		}
		end := v.End
		if end.IsZero() {
			end = w.end
		}
		t := between(m.r, v.Start, end)
		if !t.Before(w.end.Add(-time.Hour)) {
			continue
		}
		d := int16(m.r.IntN(len(w.Depts)))
		if k := w.Depts[d].Kind; k != WardDept && k != SpecialtyDept {
			continue
		}
		on := w.atWork(newRotaCache(w), d, t, func(r Role) bool { return r.doctor() || isNurse(r) }, nil)
		if len(on) == 0 {
			continue
		}
		u := pick(m.r, on)
		if m.users[u] || !w.pure(u, v.Patient, t) {
			continue
		}
		m.users[u] = true
		note := fmt.Sprintf("patient on %s under %s; user works in %s", w.Depts[v.wardAt(t)].Name, v.Specialty, w.Depts[d].Name)
		m.reads(m.pair(u, v.Patient, KindDeptMismatch, note), t, 1+m.r.IntN(2), false)
		return true
	}
	return false
}

// repeatOffender is one user misusing three or four records on different
// days; each pair is recorded under its own kind and as repeat_offender.
func (m *injector) repeatOffender() bool {
	u := m.misuser(KindRepeatOffence)
	if u < 0 {
		return false
	}
	done := 0
	for k := 0; k < 8 && done < 3+m.r.IntN(2); k++ {
		kind := pick(m.r, []string{KindNoRelation, KindNeighbour, KindCoworker, KindNoRelation})
		t := m.workTime(u, false)
		if t.IsZero() {
			continue
		}
		p, note := m.victim(kind, u, t)
		if p < 0 || m.byPair[[2]int32{u, p}] != 0 {
			continue
		}
		pi := m.pair(u, p, kind, note)
		m.pairs[pi].Kinds = append(m.pairs[pi].Kinds, KindRepeatOffence)
		m.reads(pi, t, 1+m.r.IntN(2), false)
		done++
	}
	m.users[u] = true
	return done >= 3
}

// pair returns the index of the pair (u, p), creating it with its kind.
func (m *injector) pair(u, p int32, kind, note string) int32 {
	if i := m.byPair[[2]int32{u, p}]; i != 0 {
		return i - 1
	}
	m.pairs = append(m.pairs, misusePair{User: u, Patient: p, Kinds: []string{kind}, Note: note})
	i := int32(len(m.pairs))
	m.byPair[[2]int32{u, p}] = i
	return i - 1
}

// reads adds n openings of the pair's record from t, minutes apart.
func (m *injector) reads(pi int32, t time.Time, n int, remote bool) {
	pr := &m.pairs[pi]
	for ; n > 0; n-- {
		m.put(access{At: t, User: pr.User, Patient: pr.Patient, Remote: remote, Misuse: pi, Bad: true})
		t = t.Add(time.Duration(1+m.r.IntN(12)) * time.Minute)
	}
}

// search adds a misuser's search by name that lists p (and namesakes).
func (m *injector) search(u int32, t time.Time, p int32, remote bool) {
	pt := &m.w.Patients[p]
	m.put(access{At: t, User: u, Patient: -1, Kind: evSearch, Listed: []int32{p}, Query: searchQuery("family", pt.Family, "given", pt.Given), Remote: remote, Misuse: -1, Bad: true})
}

// breakGlass adds an emergency override with no clinical need: start,
// reads, stop, and a review that finds it unjustified.
func (m *injector) breakGlass(pi int32, t time.Time) {
	pr := &m.pairs[pi]
	*m.reviews = append(*m.reviews, review{at: t, user: pr.User, patient: pr.Patient, justified: false,
		reason: "no clinical involvement found; referred to line manager"})
	m.put(access{At: t, User: pr.User, Patient: pr.Patient, Kind: evBGStart, Emergency: true, Misuse: pi, Bad: true, review: int32(len(*m.reviews))})
	m.reads(pi, t.Add(time.Minute), 1+m.r.IntN(3), false)
	for i := range m.byDay[m.w.dayIndex(t)] {
		if a := &m.byDay[m.w.dayIndex(t)][i]; a.Misuse == pi && a.Kind == evRead {
			a.Emergency = true
		}
	}
	m.put(access{At: t.Add(time.Duration(30+m.r.IntN(30)) * time.Minute), User: pr.User, Patient: pr.Patient, Kind: evBGStop, Emergency: true, Misuse: pi, Bad: true})
}

func (m *injector) put(a access) {
	if d := m.w.dayIndex(a.At); d >= 0 && d < len(m.byDay) {
		m.byDay[d] = append(m.byDay[d], a)
	}
}

// justifiedBreakGlass adds the day's emergency overrides that reviews
// later justify: a doctor from the ED or another specialty answering a
// cardiac arrest call on a ward where they have no other reason to be.
func (w *World) justifiedBreakGlass(g *dayGen, m *injector) {
	for n := poisson(g.r, max(0.3, float64(w.cfg.Patients)/15000)); n > 0; n-- {
		t := between(g.r, w.day(g.d), w.day(g.d+1).Add(-2*time.Hour))
		var present []int32
		for _, vi := range w.dayVisits[g.d] {
			v := &w.Visits[vi]
			if v.Class == 'I' && !v.Cancelled && !t.Before(v.Start) && (v.End.IsZero() || t.Before(v.End)) {
				present = append(present, vi)
			}
		}
		if len(present) == 0 {
			continue
		}
		v := &w.Visits[pick(g.r, present)]
		dept := w.deptIndex(deptED)
		if chance(g.r, 0.4) {
			dept = w.specialtyDept(w.Depts[w.randomWard(g.r, "")].Specialty)
		}
		u := g.pickAt(dept, t, Role.doctor)
		if u < 0 || w.related(u, v.Patient, t) || m.byPair[[2]int32{u, v.Patient}] != 0 {
			continue
		}
		ward := w.Depts[v.wardAt(t)].Name
		*m.reviews = append(*m.reviews, review{at: t, user: u, patient: v.Patient, justified: true,
			reason: "cardiac arrest call to " + ward + "; attended as the arrest team's " + w.Staff[u].Role.String()})
		g.out = append(g.out, access{At: t, User: u, Patient: v.Patient, Kind: evBGStart, Emergency: true, Reason: ReasonBreakGlass, Misuse: -1, review: int32(len(*m.reviews))})
		at := t
		for k := 2 + g.r.IntN(3); k > 0; k-- {
			at = at.Add(time.Duration(1+g.r.IntN(8)) * time.Minute)
			g.out = append(g.out, access{At: at, User: u, Patient: v.Patient, Emergency: true, Reason: ReasonBreakGlass, Misuse: -1})
		}
		g.out = append(g.out, access{At: at.Add(time.Duration(10+g.r.IntN(30)) * time.Minute), User: u, Patient: v.Patient, Kind: evBGStop, Emergency: true, Reason: ReasonBreakGlass, Misuse: -1})
	}
}
