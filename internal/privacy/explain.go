package privacy

import (
	"sort"
	"time"
)

// reason is why an access is explained.
type reason uint8

const (
	reasonNone       reason = iota
	reasonDirectCare        // named clinician on the visit or appointment
	reasonReferral          // referring clinician of the visit
	reasonRegistered        // the patient's registered carer (ROL)
	reasonClerk             // keyed an ADT event for the patient (EVN-5)
	reasonWard              // works on the patient's ward or specialty
	reasonDepartment        // same department as a clinician on the visit
	reasonTeam              // a mined teammate treats the patient
	reasonService           // the user's department serves the patient's ward or specialty (mined)
	reasonBreakGlass        // break-glass, reviewed as justified or followed by care
	numReasons
)

// reasonNames are the keys of Summary.ByExplanation.
var reasonNames = [numReasons]string{"", "direct_care", "referral", "registered_carer", "registration_clerk", "ward", "department", "team", "service", "breakglass_justified"}

func (r reason) String() string { return reasonNames[r] }

// weak reports whether the reason rests only on a mined care team (a
// teammate treats the patient), not on the user's own or their
// department's relationship: not enough for a patient on the watch list,
// whose record only those who care for them, their department or a
// service that serves their ward should open.
func (r reason) weak() bool { return r == reasonTeam }

// index holds the relationships by the keys the stream looks them up by.
type index struct {
	pairLinks map[uint64][]link // (user, patient) -> explicit and episode links
	patEps    [][]int32         // patient -> its episodes
	epDepts   [][]int32         // episode -> departments of its clinicians and specialties
	homes     [][]int32         // episode -> departments of its wards, specialties and clinicians
	teams     teams
	services  services
}

// buildIndex resolves merged patients and turns episodes into links and
// per-patient lists.
func (a *Auditor) buildIndex(canon []uint32) *index {
	ix := &index{pairLinks: make(map[uint64][]link), patEps: make([][]int32, len(a.patients))}
	deptsOf := a.wardDepts()
	for _, l := range a.links {
		l.pat = canon[l.pat]
		ix.add(l)
	}
	ix.epDepts = make([][]int32, len(a.episodes))
	for i := range a.episodes {
		e := &a.episodes[i]
		e.pat = canon[e.pat]
		ix.patEps[e.pat] = append(ix.patEps[e.pat], int32(i))
		from, to := a.careWindow(e)
		for _, c := range e.clin {
			ix.add(link{user: c, pat: e.pat, from: from, to: to, why: reasonDirectCare, ep: int32(i)})
			if d := a.staff[c].dept; d >= 0 && !containsI32(ix.epDepts[i], d) {
				ix.epDepts[i] = append(ix.epDepts[i], d)
			}
		}
		for _, r := range e.ref {
			ix.add(link{user: r, pat: e.pat, from: e.start - secs(a.opts.ReferralBefore), to: to, why: reasonReferral, ep: int32(i)})
		}
		for j := range e.stays {
			e.stays[j].depts = deptsOf(e.stays[j].ward, e.stays[j].service)
			for _, d := range deptsOf("", e.stays[j].service) {
				if !containsI32(ix.epDepts[i], d) {
					ix.epDepts[i] = append(ix.epDepts[i], d)
				}
			}
		}
	}
	for k := range ix.pairLinks {
		ls := ix.pairLinks[k]
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].from < ls[j].from }) // stable: ties keep the order links were added in, whatever else is kept
	}
	return ix
}

func (ix *index) add(l link) {
	k := pairKey(l.user, l.pat)
	ix.pairLinks[k] = append(ix.pairLinks[k], l)
}

// careWindow is the period an episode explains its clinicians' accesses.
func (a *Auditor) careWindow(e *episode) (from, to int64) {
	before, after := a.opts.CareBefore, a.opts.CareAfter
	if e.appt {
		before, after = a.opts.AppointmentBefore, a.opts.AppointmentAfter
	}
	to = maxTime
	if end := a.episodeEnd(e); end != 0 {
		to = end + secs(after)
	}
	return e.start - secs(before), to
}

// episodeEnd is when an episode ended, or 0 while it is open. An
// outpatient visit (PV1-2 O) that no discharge closes ends OpenOutpatient
// after it began: clinics see the patient the same day, and many PAS
// feeds never send an A03 for them, which would otherwise leave the visit
// explaining its specialty's accesses for ever.
func (a *Auditor) episodeEnd(e *episode) int64 {
	if e.end == 0 && e.class == "O" && a.opts.OpenOutpatient > 0 {
		return e.start + secs(a.opts.OpenOutpatient)
	}
	return e.end
}

// stayWindow is the period ward staff may open the record for stay j.
func (a *Auditor) stayWindow(e *episode, j int) (from, to int64) {
	from = e.stays[j].from - secs(a.opts.WardBefore)
	end := a.episodeEnd(e)
	if j+1 < len(e.stays) {
		end = e.stays[j+1].from
	}
	if end == 0 {
		return from, maxTime
	}
	return from, end + secs(a.opts.WardAfter)
}

func secs(d time.Duration) int64 { return int64(d / time.Second) }

// explanation is the reason for one access and the fact it rests on.
type explanation struct {
	why  reason
	ep   int32  // episode used, or -1
	mate uint32 // teammate, for reasonTeam
	home int32  // department served, for reasonService
}

// explain finds the first explanation of user u opening patient p at t,
// trying the cheapest and most specific first.
func (a *Auditor) explain(ix *index, u, p uint32, t int64) explanation {
	for _, l := range ix.pairLinks[pairKey(u, p)] {
		if l.from > t {
			break
		}
		if t <= l.to {
			return explanation{why: l.why, ep: l.ep}
		}
	}
	for _, ei := range ix.patEps[p] {
		e := &a.episodes[ei]
		if x := a.explainByEpisode(ix, e, ei, u, t); x.why != reasonNone {
			return x
		}
	}
	return explanation{ep: -1}
}

// episodeReasons are the explanations tried on each episode, in order.
var episodeReasons = [...]reason{reasonWard, reasonDepartment, reasonTeam}

// explainByEpisode tries ward membership, department and team for one
// episode of the patient.
func (a *Auditor) explainByEpisode(ix *index, e *episode, ei int32, u uint32, t int64) explanation {
	for _, why := range episodeReasons {
		if x := a.tryEpisode(ix, e, ei, u, t, why); x.why != reasonNone {
			return x
		}
	}
	return explanation{ep: -1}
}

// tryEpisode tries one explanation (ward, department or team) of user u
// opening the patient of episode ei at t.
func (a *Auditor) tryEpisode(ix *index, e *episode, ei int32, u uint32, t int64, why reason) explanation {
	dept := a.staff[u].dept
	if why == reasonWard {
		for j := range e.stays {
			if from, to := a.stayWindow(e, j); t >= from && t <= to && dept >= 0 && containsI32(e.stays[j].depts, dept) {
				return explanation{why: reasonWard, ep: ei}
			}
		}
		return explanation{ep: -1}
	}
	if from, to := a.careWindow(e); t < from || t > to {
		return explanation{ep: -1}
	}
	if why == reasonDepartment {
		if dept >= 0 && containsI32(ix.epDepts[ei], dept) {
			return explanation{why: reasonDepartment, ep: ei}
		}
		return explanation{ep: -1}
	}
	if mates := ix.teams.mates[u]; len(mates) > 0 {
		for _, c := range e.clin {
			if containsSorted(mates, c) {
				return explanation{why: reasonTeam, ep: ei, mate: c}
			}
		}
	}
	return explanation{ep: -1}
}

// activeEpisode returns an episode of p whose care window covers t, or -1.
func (a *Auditor) activeEpisode(ix *index, p uint32, t int64) int32 {
	for _, ei := range ix.patEps[p] {
		if from, to := a.careWindow(&a.episodes[ei]); t >= from && t <= to {
			return ei
		}
	}
	return -1
}

// hasLaterCare reports whether a care relationship between u and p covers
// any moment of [t, t+d]: what makes a break-glass justified afterwards.
func (a *Auditor) hasLaterCare(ix *index, u, p uint32, t int64, d time.Duration) bool {
	end := t + secs(d)
	for _, l := range ix.pairLinks[pairKey(u, p)] {
		if l.from <= end && l.to >= t {
			return true
		}
	}
	dept := a.staff[u].dept
	for _, ei := range ix.patEps[p] {
		e := &a.episodes[ei]
		for j := range e.stays {
			if from, to := a.stayWindow(e, j); from <= end && to >= t && dept >= 0 && containsI32(e.stays[j].depts, dept) {
				return true
			}
		}
	}
	return false
}

func containsI32(list []int32, v int32) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// containsSorted reports whether the sorted list holds v.
func containsSorted(list []uint32, v uint32) bool {
	lo, hi := 0, len(list)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if list[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(list) && list[lo] == v
}
