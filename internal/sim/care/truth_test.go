package care

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/fhir"
)

// TestMisuseGroundTruth checks from the files alone that every kind of
// misuse is injected and that each truth entry's facts hold: a family case
// really shares surname and address or names the user as next of kin, a
// neighbour lives on the user's street, and so on; and that its access
// count is what the log holds.
func TestMisuseGroundTruth(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		f := trustFor(t, seed)
		kinds := map[string]int{}
		pairsOf := map[string]int{}
		for _, m := range f.truth.Misuse {
			kinds[m.Kind]++
			pairsOf[m.UserID]++
		}
		for _, k := range Kinds {
			if kinds[k] == 0 {
				t.Errorf("seed %d: no %s misuse injected", seed, k)
			}
		}
		counts := eventsByPair(f.events)
		for _, m := range f.truth.Misuse {
			if got := counts[[2]string{m.UserID, m.PatientID}]; got != m.Accesses {
				t.Errorf("seed %d: %s %s->%s: %d events in the log, truth says %d", seed, m.Kind, m.UserID, m.PatientID, got, m.Accesses)
			}
			if why := f.kindFails(m, pairsOf[m.UserID]); why != "" {
				t.Errorf("seed %d: %s %s->%s (%s): %s", seed, m.Kind, m.UserID, m.PatientID, m.Note, why)
			}
		}
	}
}

func eventsByPair(events []*fhir.Access) map[[2]string]int {
	out := map[[2]string]int{}
	for _, a := range events {
		if !isSearch(a) {
			out[[2]string{a.UserID, a.NHSNumber}]++
		}
	}
	return out
}

// kindFails returns why a truth entry's facts do not hold, or "".
func (f *trustFiles) kindFails(m MisuseTruth, userPairs int) string {
	u, p := f.staff[m.UserID], f.patients[m.PatientID]
	if p == nil {
		return "patient not in any ADT message"
	}
	first, _ := time.Parse(time.RFC3339, m.FirstSeen)
	street := func(s string) string { // "12 Station Road, Town" -> "Station Road"
		s, _, _ = strings.Cut(s, ",")
		_, s, _ = strings.Cut(s, " ")
		return s
	}
	near := u.postcode == p.postcode || street(u.address) == street(p.street+",")
	switch m.Kind {
	case KindFamily:
		for _, k := range p.kin {
			if k.Name.Family == u.family && k.Name.Given == u.given {
				return ""
			}
		}
		if u.family == p.family && near {
			return ""
		}
		if u.nhs != "" && f.sameHousehold(u.nhs, p) {
			return ""
		}
		return "neither next of kin nor same surname and address"
	case KindCoworker:
		for _, s := range f.staff {
			if s.nhs == m.PatientID && s.id != u.id {
				return ""
			}
		}
		return "patient is not on the roster"
	case KindVIP:
		return unless(f.vips[m.PatientID], "patient not on the watch list")
	case KindNeighbour:
		return unless(near && u.family != p.family, "not on the user's street or postcode")
	case KindSelf:
		return unless(u.nhs == m.PatientID, "not the user's own NHS number")
	case KindDeceased:
		return unless(!p.died.IsZero() && p.died.Before(first), "patient not recorded dead before the access")
	case KindOutOfHours:
		h := first.In(london).Hour()
		return unless(h >= 21 || h < 6, "access in working hours")
	case KindBreakGlass:
		for _, r := range f.reviews {
			if r[1] == m.UserID && r[2] == m.PatientID && r[3] == "false" {
				return ""
			}
		}
		return "no unjustified review"
	case KindMassLookup:
		return unless(userPairs >= 5, "too few records opened for a mass look-up")
	case KindRepeatOffence:
		return unless(userPairs >= 6, "fewer than three misused records") // each pair also has its own kind
	case KindDeptMismatch:
		for _, v := range f.byNHS[m.PatientID] {
			if len(v.wards) > 0 && !v.wards[u.dept] && v.service != u.dept {
				return ""
			}
		}
		return "no visit in another department"
	}
	return ""
}

// sameHousehold reports whether the user's own record shares p's address.
func (f *trustFiles) sameHousehold(userNHS string, p *person) bool {
	q := f.patients[userNHS]
	return q != nil && q.street == p.street && q.postcode == p.postcode
}

func unless(ok bool, why string) string {
	if ok {
		return ""
	}
	return why
}
