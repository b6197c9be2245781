package privacy

import "time"

// people links roster users and patients who are the same person, so that
// self-access and co-worker records are found without comparing every
// pair.
type people struct {
	selfPat  []uint32 // by user: the patient record that is theirs, or noPatient
	staffPat []uint32 // by patient: a user who is that patient, or noUser
}

const noUser = ^uint32(0)

// matchPeople finds, for each roster user, their own patient record: the
// NHS number from the roster's optional column, else the same family and
// given name with the same date of birth, or, where the roster has no
// date of birth, the same postcode.
func (a *Auditor) matchPeople() people {
	pl := people{selfPat: make([]uint32, len(a.staff)), staffPat: make([]uint32, len(a.patients))}
	for i := range pl.selfPat {
		pl.selfPat[i] = noPatient
	}
	for i := range pl.staffPat {
		pl.staffPat[i] = noUser
	}
	byName := map[string][]uint32{}
	for p := range a.patients {
		if r := &a.patients[p]; r.fam != "" && r.given != "" {
			k := r.fam + "|" + r.given
			byName[k] = append(byName[k], uint32(p))
		}
	}
	for u := range a.staff {
		s := &a.staff[u]
		if !s.onRoster {
			continue
		}
		p := a.ownRecord(s, byName)
		if p != noPatient {
			pl.selfPat[u], pl.staffPat[p] = p, uint32(u)
		}
	}
	return pl
}

func (a *Auditor) ownRecord(s *staffRec, byName map[string][]uint32) uint32 {
	if s.NHSNumber != "" {
		if p, ok := a.pats.lookup(s.NHSNumber); ok {
			return p
		}
	}
	for _, p := range byName[s.fam+"|"+s.given] {
		r := &a.patients[p]
		switch {
		case !s.BirthDate.IsZero() && !r.BirthDate.IsZero():
			if sameDay(s.BirthDate, r.BirthDate) {
				return p
			}
		case s.post != "" && s.post == r.post:
			return p
		}
	}
	return noPatient
}

func sameDay(a, b time.Time) bool {
	y1, m1, d1 := a.Date()
	y2, m2, d2 := b.Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

// relationKinds returns the relational kinds of user u and patient p:
// self, co-worker, family, neighbour and VIP.
func (a *Auditor) relationKinds(pl *people, u, p uint32) kindSet {
	var k kindSet
	if a.vip[p] {
		k |= kVIP
	}
	if pl.selfPat[u] == p {
		return k | kSelf
	}
	if pl.staffPat[p] != noUser {
		k |= kCoworker
	}
	s, r := &a.staff[u], &a.patients[p]
	switch {
	case isFamily(s, r):
		k |= kFamily
	case isNeighbour(s, r):
		k |= kNeighbour
	}
	return k
}

// isFamily: the same surname and the same postcode or street, or the user
// is the patient's next of kin (by name, or by surname and postcode).
func isFamily(s *staffRec, r *patientRec) bool {
	if s.fam == "" {
		return false
	}
	if s.fam == r.fam && (sameNonEmpty(s.post, r.post) || sameStreet(s, r.street, r.post)) {
		return true
	}
	return nextOfKin(s, r) >= 0
}

// nextOfKin returns which NK1 the user is, or -1.
func nextOfKin(s *staffRec, r *patientRec) int {
	for i, k := range r.Kin {
		if k.fam == s.fam && (sameNonEmpty(k.given, s.given) || sameNonEmpty(k.post, s.post)) {
			return i
		}
	}
	return -1
}

// isNeighbour: the same postcode, or the same street in the same postcode
// district.
func isNeighbour(s *staffRec, r *patientRec) bool {
	return sameNonEmpty(s.post, r.post) || sameStreet(s, r.street, r.post)
}

func sameStreet(s *staffRec, street, post string) bool {
	return sameNonEmpty(s.street, street) && (s.post == "" || post == "" || outward(s.post) == outward(post))
}

// outward is the district part of a normalised postcode ("LS14AB" -> "LS1").
func outward(pc string) string {
	if len(pc) > 3 {
		return pc[:len(pc)-3]
	}
	return pc
}

func sameNonEmpty(a, b string) bool { return a != "" && a == b }
