package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sim/care"
)

// TestLivePrivacyEqualsOffline generates a trust, audits its files as
// vigil privacy audit does, streams the same ADT and SIU messages over
// MLLP and the same AuditEvents over FHIR into vigil serve, and checks that
// the live cases are the offline cases: the same user, patient and kinds.
func TestLivePrivacyEqualsOffline(t *testing.T) {
	dir := t.TempDir()
	truth, err := care.Generate(care.Config{Seed: 5, Size: "test", Staff: 80, Patients: 1200, Days: 4, Start: care.DefaultStart}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	offline := offlineAudit(t, dir)

	cfg := testConfig(t)
	cfg.Privacy = trustPrivacy(dir)
	_, resp := runTrust(t, cfg, dir, offline)
	checkSameCases(t, "offline", offline.Cases, &offline.Summary, "live", resp.Cases, resp.Summary)
	ev, oev := privacy.Evaluate(resp.Cases, *resp.Summary, readTruth(t, dir)), privacy.Evaluate(offline.Cases, offline.Summary, readTruth(t, dir))
	t.Logf("live: %d cases, %d of them cover injected misuse, recall %.3f; offline: %d cases, %d true, recall %.3f; %d injected; %d of %d accesses explained",
		len(resp.Cases), len(resp.Cases)-ev.FalseCases, ev.Recall, len(offline.Cases), len(offline.Cases)-oev.FalseCases, oev.Recall,
		len(truth.Misuse), resp.Summary.Explained, resp.Summary.Accesses)
}

// trustPrivacy is the privacy section naming the files of the trust
// generated in dir, analysed every 100ms.
func trustPrivacy(dir string) PrivacyConfig {
	return PrivacyConfig{Staff: filepath.Join(dir, "staff.csv"), VIP: filepath.Join(dir, "vip.txt"),
		Reviews: filepath.Join(dir, "breakglass_reviews.csv"), Every: 100 * time.Millisecond}
}

// runTrust starts a single process with cfg, streams it the trust
// generated in dir (the ADT and SIU messages over MLLP, the accesses over
// FHIR), and waits for its analysis of every input the offline audit
// read; it returns the running service and that analysis.
func runTrust(t *testing.T, cfg Config, dir string, offline *privacy.Result) (*testService, privacy.CasesResponse) {
	t.Helper()
	cfg.HL7.MLLP = "127.0.0.1:0"
	ts := startService(t, cfg)
	sendADT(t, ts, filepath.Join(dir, "adt"))
	sendADT(t, ts, filepath.Join(dir, "appointments"))
	sendAccesses(t, ts, filepath.Join(dir, "access.ndjson"))
	var resp privacy.CasesResponse
	waitFor(t, "a live analysis of every access and appointment", func() bool {
		resp = privacy.CasesResponse{} // a reused one would keep fields an earlier answer had and this one omits
		ts.do(t, "GET", "/api/v1/privacy/cases?limit=100000", testToken, nil, &resp)
		return resp.Analysed && sameInputs(resp.Summary, &offline.Summary)
	})
	return ts, resp
}

// checkSameCases fails t for each case (user, patients, kinds) that one
// analysis raised and the other did not, and when they explained a
// different number of accesses, episodes or patients.
func checkSameCases(t *testing.T, wantName string, want []privacy.Case, ws *privacy.Summary, gotName string, got []privacy.Case, gs *privacy.Summary) {
	t.Helper()
	wantSet, gotSet := caseSet(want), caseSet(got)
	for k := range wantSet {
		if !gotSet[k] {
			t.Errorf("%s case missing %s: %s", wantName, gotName, k)
		}
	}
	for k := range gotSet {
		if !wantSet[k] {
			t.Errorf("%s case not %s: %s", gotName, wantName, k)
		}
	}
	if gs.Explained != ws.Explained || gs.Episodes != ws.Episodes || gs.Patients != ws.Patients {
		t.Errorf("%s explained %d of %d (%d episodes, %d patients); %s %d (%d episodes, %d patients)",
			gotName, gs.Explained, gs.Accesses, gs.Episodes, gs.Patients, wantName, ws.Explained, ws.Episodes, ws.Patients)
	}
}

// sameInputs reports whether two analyses read the same inputs.
func sameInputs(s, o *privacy.Summary) bool {
	return s != nil && o != nil && s.Accesses == o.Accesses && s.Searches == o.Searches &&
		s.Appointments == o.Appointments && s.ADTMessages == o.ADTMessages
}

// offlineAudit runs the audit over the generated files, as vigil privacy
// audit does.
func offlineAudit(t *testing.T, dir string) *privacy.Result {
	t.Helper()
	a := privacy.New(privacy.DefaultOptions())
	l := privacy.NewLoader(a, nil)
	steps := []error{
		l.Staff(filepath.Join(dir, "staff.csv")), l.ADT(filepath.Join(dir, "adt")), l.ADT(filepath.Join(dir, "appointments")),
		l.Access(filepath.Join(dir, "access.ndjson")), l.VIP(filepath.Join(dir, "vip.txt")), l.Reviews(filepath.Join(dir, "breakglass_reviews.csv")),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	return a.Run()
}

// caseSet keys each case by user, patient (every patient of a mass
// look-up) and kinds.
func caseSet(cases []privacy.Case) map[string]bool {
	out := map[string]bool{}
	for _, c := range cases {
		pats := c.Patients
		if len(pats) == 0 {
			pats = []string{c.PatientID}
		}
		out[fmt.Sprintf("%s %s %s", c.UserID, strings.Join(pats, ","), strings.Join(slices.Sorted(slices.Values(c.Kinds)), "+"))] = true
	}
	return out
}

func readTruth(t *testing.T, dir string) privacy.GroundTruth {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gt, err := privacy.ReadGroundTruth(f)
	if err != nil {
		t.Fatal(err)
	}
	return gt
}
