package care

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/fhir"
)

// TestFilesExplainLegitimateAccess runs a plain explainer over the files,
// as the guardian would: an access is explained when the user is named on
// one of the patient's visits (or keyed it), works on one of its wards or
// in its specialty, works in a service department during it, or broke the
// glass and was later found justified. Nearly every legitimate access must
// be explained this way and no injected misuse may be; and the legitimate
// log must hold the accesses that trip a naive detector.
func TestFilesExplainLegitimateAccess(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		f := trustFor(t, seed)
		misuse := map[[2]string]bool{}
		for _, m := range f.truth.Misuse {
			misuse[[2]string{m.UserID, m.PatientID}] = true
		}
		justified := map[[2]string]bool{}
		for _, r := range f.reviews {
			if r[3] == "true" {
				justified[[2]string{r[1], r[2]}] = true
			}
		}
		var legit, explained, bad, badExplained int
		traps := map[string]int{}
		for _, a := range f.events {
			if isSearch(a) {
				continue
			}
			pair := [2]string{a.UserID, a.NHSNumber}
			ok := justified[pair] || f.explained(a)
			if misuse[pair] {
				bad++
				if ok {
					badExplained++
					t.Errorf("seed %d: misuse %s->%s at %s is explained by the files", seed, a.UserID, a.NHSNumber, a.Recorded)
				}
				continue
			}
			legit++
			if ok {
				explained++
			}
			f.countTraps(a, traps)
		}
		rate := float64(explained) / float64(legit)
		t.Logf("seed %d: %d of %d legitimate accesses explained (%.2f%%); %d misuse events, %d explained; traps %v",
			seed, explained, legit, 100*rate, bad, badExplained, traps)
		if rate < 0.99 {
			t.Errorf("seed %d: only %.2f%% of legitimate accesses explained from the files", seed, 100*rate)
		}
		for _, k := range []string{"same surname", "night", "coworker", "vip", "neighbour"} {
			if traps[k] == 0 {
				t.Errorf("seed %d: no legitimate %s access for a naive detector to trip on", seed, k)
			}
		}
	}
}

// services are the departments that serve every ward.
var services = map[string]bool{deptPharmacy: true, deptRadiol: true, deptPhysio: true, deptRecords: true}

func (f *trustFiles) explained(a *fhir.Access) bool {
	u := f.staff[a.UserID]
	nhs := a.NHSNumber
	visits := f.byNHS[nhs]
	for dup, survivor := range f.merged {
		if survivor == nhs {
			visits = append(visits, f.byNHS[dup]...)
		}
	}
	for _, v := range visits {
		end := v.end
		if end.IsZero() {
			end = a.Recorded.Add(time.Hour)
		}
		if a.Recorded.Before(v.start.Add(-36*time.Hour)) || a.Recorded.After(end.Add(6*24*time.Hour)) {
			continue
		}
		if v.people[u.id] {
			return true
		}
		if !v.cancelled && (v.wards[u.dept] || v.service == u.dept || services[u.dept]) {
			return true
		}
	}
	return false
}

// countTraps counts legitimate accesses a naive rule would flag.
func (f *trustFiles) countTraps(a *fhir.Access, traps map[string]int) {
	u, p := f.staff[a.UserID], f.patients[a.NHSNumber]
	if p == nil {
		return
	}
	if u.family == p.family {
		traps["same surname"]++
	}
	if h := a.Recorded.In(london).Hour(); h >= 21 || h < 6 {
		traps["night"]++
	}
	if f.vips[a.NHSNumber] {
		traps["vip"]++
	}
	for _, s := range f.staff {
		if s.nhs == a.NHSNumber && s.id != u.id {
			traps["coworker"]++
			break
		}
	}
	if u.postcode == p.postcode || strings.Contains(u.address, p.street[strings.IndexByte(p.street, ' ')+1:]+",") {
		traps["neighbour"]++
	}
}
