package privacy

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// GroundTruth is what a synthetic trust generator writes beside its files
// (truth.json): the injected misuse, one entry per user-patient pair and
// kind, and how many accesses were legitimate.
type GroundTruth struct {
	Seed               int64          `json:"seed"`
	Size               string         `json:"size"`
	Staff              int            `json:"staff"`
	Patients           int            `json:"patients"`
	Accesses           int            `json:"accesses"`
	Legitimate         int            `json:"legitimate"`
	LegitimateByReason map[string]int `json:"legitimate_by_reason"`
	Misuse             []Misuse       `json:"misuse"`
}

// Misuse is one injected misuse of a patient's record.
type Misuse struct {
	UserID    string    `json:"user_id"`
	PatientID string    `json:"patient_id"`
	Kind      string    `json:"kind"`
	Accesses  int       `json:"accesses"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Note      string    `json:"note"`
}

// ReadGroundTruth reads truth.json.
func ReadGroundTruth(r io.Reader) (GroundTruth, error) {
	var gt GroundTruth
	if err := json.NewDecoder(r).Decode(&gt); err != nil {
		return gt, fmt.Errorf("ground truth: %w", err)
	}
	return gt, nil
}

// Scores compare cases with the ground truth, counted per user-patient
// pair as the issue asks.
type Scores struct {
	MisusePairs int `json:"misuse_pairs"` // distinct pairs in the truth
	FoundPairs  int `json:"found_pairs"`  // of those, covered by a case
	// Recall is FoundPairs / MisusePairs; RecallByKind the same per
	// injected kind.
	Recall       float64            `json:"recall"`
	RecallByKind map[string]float64 `json:"recall_by_kind"`
	// Cases is the number of cases; FalseCases those covering no misuse
	// pair; CasesPer5000 is cases per 5,000 accesses (the target is at
	// most 1).
	Cases        int     `json:"cases"`
	FalseCases   int     `json:"false_cases"`
	CasesPer5000 float64 `json:"cases_per_5000"`
	// LegitimateExplained is a lower bound of the share of legitimate
	// opened records explained: explained records less every misuse
	// access (as if all were explained), over the opened records less the
	// misuse accesses. A pair listed under two kinds counts once.
	LegitimateExplained float64 `json:"legitimate_explained"`
}

// Evaluate scores cases (and the run's summary) against the truth. A case
// covers its own pair, and a mass look-up every patient it lists.
func Evaluate(cases []Case, sum Summary, truth GroundTruth) Scores {
	covered := map[[2]string]bool{}
	for _, c := range cases {
		covered[[2]string{c.UserID, c.PatientID}] = true
		for _, p := range c.Patients {
			covered[[2]string{c.UserID, p}] = true
		}
	}
	pairs := map[[2]string]bool{}
	pairAccesses := map[[2]string]int{}
	kindTotal, kindFound := map[string]int{}, map[string]int{}
	for _, m := range truth.Misuse {
		k := [2]string{m.UserID, m.PatientID}
		pairs[k] = true
		pairAccesses[k] = max(pairAccesses[k], m.Accesses)
		kindTotal[m.Kind]++
		if covered[k] {
			kindFound[m.Kind]++
		}
	}
	misuseAccesses := 0
	for _, n := range pairAccesses {
		misuseAccesses += n
	}
	sc := Scores{MisusePairs: len(pairs), Cases: len(cases), RecallByKind: map[string]float64{}}
	for k := range pairs {
		if covered[k] {
			sc.FoundPairs++
		}
	}
	sc.Recall = ratio(sc.FoundPairs, sc.MisusePairs)
	for k, n := range kindTotal {
		sc.RecallByKind[k] = ratio(kindFound[k], n)
	}
	for _, c := range cases {
		hit := pairs[[2]string{c.UserID, c.PatientID}]
		for _, p := range c.Patients {
			hit = hit || pairs[[2]string{c.UserID, p}]
		}
		if !hit {
			sc.FalseCases++
		}
	}
	sc.CasesPer5000 = 5000 * ratio(len(cases), sum.Accesses)
	sc.LegitimateExplained = ratio(max(sum.Explained-misuseAccesses, 0), sum.Accesses-misuseAccesses)
	return sc
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
