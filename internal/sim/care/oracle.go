package care

import "time"

// The oracle answers, from the world's own records, whether a user had
// any reason to open a patient's record at a time. It is deliberately
// broader than the legitimate generator (wider time windows, every member
// of a ward, specialty or service), so that a victim it clears is one no
// reasonable explanation covers. Misuse is injected only where it says no.

// oracleSlack widens every visit's window on both sides.
const oracleSlack = 48 * time.Hour

// related reports whether user u is connected to patient p at t through
// any visit: named on it, keyed it, works on one of its wards or in its
// specialty, or in a service that sees every inpatient.
func (w *World) related(u, p int32, t time.Time) bool {
	s := &w.Staff[u]
	for _, vi := range w.Patients[p].Visits {
		v := &w.Visits[vi]
		end := v.End
		if end.IsZero() {
			end = w.end
		}
		if t.Before(v.Start.Add(-oracleSlack)) || t.After(end.Add(followUp+oracleSlack)) {
			continue
		}
		if w.namedOn(u, v) {
			return true
		}
		if v.Cancelled {
			continue
		}
		switch w.Depts[s.Dept].Kind {
		case ServiceDept, RecordsDept:
			return true
		}
		if s.Dept == w.specialtyDept(v.Specialty) {
			return true
		}
		for _, st := range v.Stays {
			if st.Ward == s.Dept {
				return true
			}
		}
	}
	return false
}

// namedOn reports whether u is a clinician or operator of v.
func (w *World) namedOn(u int32, v *Visit) bool {
	if v.Attending == u || v.Admitting == u || v.Referrer == u {
		return true
	}
	for _, c := range v.Consults {
		if c.Staff == u {
			return true
		}
	}
	for _, o := range v.Operators {
		if o == u {
			return true
		}
	}
	return false
}

// family reports whether p is u's relative as the guardian can see it:
// same household, u named as p's next of kin, or a shared surname at the
// same street or postcode.
func (w *World) family(u, p int32) bool {
	s, pt := &w.Staff[u], &w.Patients[p]
	if pt.Kin.Staff == u {
		return true
	}
	if s.Patient >= 0 && (w.Patients[s.Patient].Household == pt.Household || pt.Kin.Patient == s.Patient) {
		return true
	}
	return s.Family == pt.Family && w.neighbour(u, p)
}

// neighbour reports whether p lives on u's street or in u's postcode.
func (w *World) neighbour(u, p int32) bool {
	a, b := w.Addresses[w.Staff[u].Address], w.Addresses[w.Patients[p].Address]
	return a.Street == b.Street || a.Postcode == b.Postcode
}

// pure reports whether opening p's record at t would be misuse of no kind
// but the one being injected: no care relationship, not u's own record, no
// family, neighbour, colleague, watch-list or deceased link.
func (w *World) pure(u, p int32, t time.Time) bool {
	pt := &w.Patients[p]
	return !w.related(u, p, t) && w.Staff[u].Patient != p && !w.family(u, p) && !w.neighbour(u, p) &&
		pt.Staff < 0 && pt.VIP == "" && (pt.Died.IsZero() || t.Before(pt.Died))
}
