package privacy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/sim/care"
)

// TestTargetsOnGeneratedTrust runs a generated trust the engine was not
// tuned on (seed 11; see docs/privacy-evaluation.md for the seeds used)
// through the loader and the analysis, and holds it to the targets: at
// least 95% of legitimate accesses explained, at least 90% of injected
// misuse pairs found (and of each kind with ten pairs or more), and at
// most one case per 5,000 accesses for review. The generator injects at
// least one incident of every kind however short the log, so on a trust
// this small the true cases alone exceed one per 5,000: the review target
// is held on the cases that cover no misuse, and every other case must be
// an injected incident.
func TestTargetsOnGeneratedTrust(t *testing.T) {
	dir := t.TempDir()
	cfg := care.Config{Seed: 11, Size: "test", Staff: 150, Patients: 3000, Days: 14, Start: care.DefaultStart}
	truth, err := care.Generate(cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, l := loadTrust(t, dir)
	if len(l.Errors) > 0 {
		t.Fatalf("generated inputs gave errors: %v", l.Errors)
	}
	res := a.Run()
	f, err := os.Open(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gt, err := ReadGroundTruth(f)
	if err != nil {
		t.Fatal(err)
	}
	if gt.Accesses != truth.Accesses || len(gt.Misuse) == 0 {
		t.Fatalf("truth.json: %d accesses and %d misuse pairs, generator said %d", gt.Accesses, len(gt.Misuse), truth.Accesses)
	}
	sc := Evaluate(res.Cases, res.Summary, gt)
	t.Logf("accesses %d, cases %d, scores %+v", res.Summary.Accesses, len(res.Cases), sc)
	if sc.LegitimateExplained < 0.95 {
		t.Errorf("legitimate accesses explained %.4f, want >= 0.95", sc.LegitimateExplained)
	}
	if sc.Recall < 0.90 {
		t.Errorf("misuse recall %.3f (%d of %d pairs), want >= 0.90", sc.Recall, sc.FoundPairs, sc.MisusePairs)
	}
	if falsePer5000 := 5000 * float64(sc.FalseCases) / float64(res.Summary.Accesses); falsePer5000 > 1 {
		t.Errorf("%.2f cases covering no misuse per 5,000 accesses (%d of %d cases), want <= 1", falsePer5000, sc.FalseCases, sc.Cases)
	}
	if sc.Cases-sc.FalseCases > sc.MisusePairs {
		t.Errorf("%d true cases for %d misuse pairs: one incident split into many cases", sc.Cases-sc.FalseCases, sc.MisusePairs)
	}
	perKind := map[string]int{}
	for _, m := range gt.Misuse {
		perKind[m.Kind]++
	}
	for k, n := range perKind { // a kind with a handful of pairs says little per kind
		if r := sc.RecallByKind[k]; n >= 10 && r < 0.90 {
			t.Errorf("recall of %s: %.2f of %d pairs, want >= 0.90", k, r, n)
		}
	}
}
