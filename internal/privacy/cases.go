package privacy

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"time"
)

// Case groups one user's related suspicious accesses: all of one
// user-patient pair, or for a mass look-up one user's span of searches.
type Case struct {
	ID        string    `json:"case_id"`
	UserID    string    `json:"user_id"`
	PatientID string    `json:"patient_id"` // NHS number (a mass look-up names its first patient)
	Kinds     []string  `json:"kinds"`
	Score     int       `json:"score"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Accesses  int       `json:"accesses"`
	Evidence  []string  `json:"evidence"`
	// Extras for the reader.
	UserName    string   `json:"user_name,omitempty"`
	UserRole    string   `json:"user_role,omitempty"`
	Department  string   `json:"department,omitempty"`
	PatientName string   `json:"patient_name,omitempty"`
	Patients    []string `json:"patients,omitempty"` // mass look-up: every patient opened
	Days        int      `json:"days"`               // distinct local days with accesses

	kinds kindSet
	user  uint32
	pat   uint32
	acc   *pairAcc
	span  *massSpan
}

// pairAcc accumulates the suspicious accesses of one user-patient pair.
type pairAcc struct {
	user, pat   uint32
	rel         kindSet // relational kinds, computed once
	kinds       kindSet
	first, last int64
	n           int
	days        int
	lastDay     int64
	oohN        int
	oohFirst    int64
	bgAt        int64 // first unjustified break-glass declaration
	mismatchEp  int32 // an episode in another department's care, or -1
}

// add counts one opened record at t with kinds k.
func (p *pairAcc) add(a *Auditor, t int64, k kindSet) {
	p.note(a, t, k)
	p.n++
}

// note records kinds k at t without counting an opened record (a
// break-glass declaration).
func (p *pairAcc) note(a *Auditor, t int64, k kindSet) {
	if p.n == 0 && p.bgAt == 0 {
		p.first = t
	}
	p.last = t
	p.kinds |= k
	if d := localDay(t, a.opts.Location); p.days == 0 || d != p.lastDay {
		p.days++
		p.lastDay = d
	}
}

// localDay numbers the local calendar day of t.
func localDay(t int64, loc *time.Location) int64 {
	_, off := time.Unix(t, 0).In(loc).Zone()
	return (t + int64(off)) / 86400
}

// Score is the sum of the kinds' weights plus 3 points per access after
// the first (at most 15) and 5 per day after the first (at most 15); a
// mass look-up adds a point per patient beyond the threshold (at most 30).
func score(k kindSet, accesses, days, extraPatients int) int {
	return k.weight() + min(3*(accesses-1), 15) + min(5*(days-1), 15) + min(max(extraPatients, 0), 30)
}

// buildCases turns the stream's accumulators into ranked cases with
// evidence.
func (a *Auditor) buildCases(st *stream, pl *people) []Case {
	var cases []Case
	absorbed := map[uint64]bool{}
	for _, sp := range st.mass {
		c := Case{kinds: kMassLookup, user: sp.user, pat: sp.pats[0], span: sp, Accesses: sp.n,
			FirstSeen: unixTime(sp.from), LastSeen: unixTime(sp.end), Days: daysBetween(sp.from, sp.end, a.opts.Location)}
		for _, p := range sp.pats {
			absorbed[pairKey(sp.user, p)] = true
			c.Patients = append(c.Patients, a.patients[p].Key)
		}
		c.Score = score(c.kinds, c.Accesses, c.Days, len(sp.pats)-a.opts.MassMinPatients)
		cases = append(cases, c)
	}
	for k, acc := range st.pairs {
		if (acc.n == 0 && acc.bgAt == 0) || (absorbed[k] && acc.kinds&^generic == 0) {
			continue
		}
		c := Case{kinds: acc.kinds, user: acc.user, pat: acc.pat, acc: acc, Accesses: acc.n,
			FirstSeen: unixTime(acc.first), LastSeen: unixTime(acc.last), Days: acc.days}
		c.Score = score(c.kinds, c.Accesses, c.Days, 0)
		cases = append(cases, c)
	}
	markRepeats(cases)
	cases = slices.DeleteFunc(cases, func(c Case) bool { return c.Score < a.opts.MinScore })
	slices.SortFunc(cases, func(x, y Case) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), x.FirstSeen.Compare(y.FirstSeen),
			cmp.Compare(a.staff[x.user].ID, a.staff[y.user].ID), cmp.Compare(a.patients[x.pat].Key, a.patients[y.pat].Key))
	})
	for i := range cases {
		a.fillCase(&cases[i], st.ix, pl)
	}
	return cases
}

// markRepeats adds repeat_offender to every case of a user after their
// first (by first access).
func markRepeats(cases []Case) {
	first := map[uint32]time.Time{}
	for _, c := range cases {
		if f, ok := first[c.user]; !ok || c.FirstSeen.Before(f) {
			first[c.user] = c.FirstSeen
		}
	}
	for i := range cases {
		c := &cases[i]
		if c.FirstSeen.After(first[c.user]) {
			c.kinds |= kRepeatOffender
			c.Score += kindWeights[kRepeatOffenderBit]
		}
	}
}

// fillCase sets the identifiers, names and evidence of a case.
func (a *Auditor) fillCase(c *Case, ix *index, pl *people) {
	s, p := &a.staff[c.user], &a.patients[c.pat]
	c.ID = caseID(s.ID, p.Key, c.span)
	c.UserID, c.PatientID = s.ID, p.Key
	c.Kinds = c.kinds.names()
	c.UserName, c.UserRole, c.Department = s.name, s.Role, s.Department
	if c.span == nil {
		c.PatientName = a.patientName(p)
	}
	c.FirstSeen, c.LastSeen = c.FirstSeen.UTC(), c.LastSeen.UTC()
	c.Evidence = a.evidence(c, ix, pl)
}

func unixTime(t int64) time.Time { return time.Unix(t, 0).UTC() }

// caseID names a case by what it is about, so that the same case keeps
// its id when the analysis is run again with more accesses (a live
// console records outcomes against it): the user and patient, or for a
// mass look-up the user and the start of the span. "PC-" and 12 hex
// digits of an FNV-1a hash.
func caseID(user, patient string, sp *massSpan) string {
	h := fnv.New64a()
	h.Write([]byte(user))
	h.Write([]byte{0})
	if sp != nil {
		fmt.Fprintf(h, "mass@%d", sp.from)
	} else {
		h.Write([]byte(patient))
	}
	return fmt.Sprintf("PC-%012X", h.Sum64()>>16)
}

// daysBetween counts the local days from one moment to another.
func daysBetween(from, to int64, loc *time.Location) int {
	return int(localDay(to, loc)-localDay(from, loc)) + 1
}
