package privacy

import (
	"strings"
	"testing"
)

// TestEvaluate scores the test trust's cases against a hand-written truth
// that names two real misuses, one covered only by the mass look-up, and
// one that nothing found.
func TestEvaluate(t *testing.T) {
	res, _ := runTestTrust(t)
	truth, err := ReadGroundTruth(strings.NewReader(`{"seed":1,"size":"test","accesses":37,"legitimate":20,"misuse":[
		{"user_id":"H001","patient_id":"` + nhs(2) + `","kind":"family","accesses":2},
		{"user_id":"M001","patient_id":"` + nhs(27) + `","kind":"mass_lookup","accesses":1},
		{"user_id":"C001","patient_id":"` + nhs(1) + `","kind":"no_relationship","accesses":1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sc := Evaluate(res.Cases, res.Summary, truth)
	if sc.MisusePairs != 3 || sc.FoundPairs != 2 || sc.RecallByKind["mass_lookup"] != 1 || sc.RecallByKind["no_relationship"] != 0 {
		t.Errorf("scores %+v", sc)
	}
	if sc.FalseCases != len(res.Cases)-2 || sc.CasesPer5000 <= 0 {
		t.Errorf("false cases %d of %d, per 5000 %.1f", sc.FalseCases, len(res.Cases), sc.CasesPer5000)
	}
}
