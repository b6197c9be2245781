package assure

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// LoadSupplement reads extra objectives from a YAML file in the same form
// as the CAF files (objectives, principles, outcomes, indicators) and adds
// them to f after its own. It is how an organisation assessed against the
// Data Security and Protection Toolkit adds the toolkit's health-specific
// objective E, whose text Vigil does not ship. A code the framework
// already has is refused, naming the file and the code.
//
// An indicator of a supplement may name, under the key "vigil", a figure
// of Vigil's own data that decides it (SupplementFigures lists them); only
// outcomes whose code starts with E take such figures (see
// SupplementTargets).
func (f *Framework) LoadSupplement(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("caf supplement: %w", err)
	}
	return f.AddSupplement(data, path)
}

// AddSupplement adds the objectives of a supplement's YAML to f; name says
// where it came from in errors.
func (f *Framework) AddSupplement(data []byte, name string) error {
	sup, err := Parse(data, name)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, o := range f.Objectives {
		have[o.Code] = true
		for _, p := range o.Principles {
			have[p.Code] = true
		}
	}
	for _, o := range f.Outcomes() {
		have[o.Code] = true
	}
	for _, o := range sup.Objectives {
		if have[o.Code] {
			return fmt.Errorf("caf supplement %s: objective %s is already in CAF %s", name, o.Code, f.Version)
		}
		for _, p := range o.Principles {
			if have[p.Code] {
				return fmt.Errorf("caf supplement %s: principle %s is already in CAF %s", name, p.Code, f.Version)
			}
			for _, oc := range p.Outcomes {
				if have[oc.Code] {
					return fmt.Errorf("caf supplement %s: outcome %s is already in CAF %s", name, oc.Code, f.Version)
				}
				if err := checkFigures(oc, name); err != nil {
					return err
				}
			}
		}
	}
	f.Objectives = append(f.Objectives, sup.Objectives...)
	return nil
}

// SupplementFigures are the figures of Vigil's own data that a
// supplement's indicator may name under "vigil", with what each says when
// it holds.
var SupplementFigures = map[string]string{
	"privacy-monitored":        "accesses to patients' records are analysed and explained as they happen",
	"privacy-cases-decided":    "every privacy case raised has a recorded outcome",
	"privacy-cases-open":       "privacy cases are waiting for a decision",
	"breaches-reported-in-72h": "every confirmed reportable breach was reported within 72 hours",
	"breach-reported-late":     "a confirmed reportable breach was reported late or not at all within 72 hours",
	"patient-reports-given":    "patients were given reports of who opened their record, and why",
}

func checkFigures(o *Outcome, name string) error {
	for _, g := range Groups {
		for _, ind := range o.Indicators[g] {
			if ind.Vigil == "" {
				continue
			}
			if _, ok := SupplementFigures[ind.Vigil]; !ok {
				keys := make([]string, 0, len(SupplementFigures))
				for k := range SupplementFigures {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				return fmt.Errorf("caf supplement %s: indicator %s: vigil: unknown figure %q (want one of %s)",
					name, ind.ID, ind.Vigil, strings.Join(keys, ", "))
			}
			if !strings.HasPrefix(o.Code, "E") {
				return fmt.Errorf("caf supplement %s: indicator %s: vigil figures apply to outcomes E... only, not %s", name, ind.ID, o.Code)
			}
		}
	}
	return nil
}

// SupplementTargets returns, for each figure some indicator names, the
// ids of those indicators, over the outcomes whose code starts with E.
func (f *Framework) SupplementTargets() map[string][]string {
	out := map[string][]string{}
	for _, o := range f.Outcomes() {
		if !strings.HasPrefix(o.Code, "E") {
			continue
		}
		for _, g := range Groups {
			for _, ind := range o.Indicators[g] {
				if ind.Vigil != "" {
					out[ind.Vigil] = append(out[ind.Vigil], ind.ID)
				}
			}
		}
	}
	return out
}
