package assure

import "fmt"

// Answers says, per indicator id, whether its statement holds for the
// organisation. An indicator left out has not been found to hold.
type Answers map[string]bool

// Result is an outcome's assessed status with the reason in plain words.
type Result struct {
	Outcome string `json:"outcome"`
	Status  Status `json:"status"`
	Reason  string `json:"reason"`
}

// Assess rolls an outcome's indicator answers up as the CAF does: any
// not-achieved statement that holds makes the outcome Not achieved; else
// all achieved statements holding make it Achieved; else all partially
// achieved statements holding make it Partially achieved; otherwise it is
// Not achieved. An empty group is never "all holding", so an outcome
// without partially-achieved statements cannot be Partially achieved. An
// outcome with no answer at all is Unassessed.
func Assess(o *Outcome, a Answers) Result {
	r := Result{Outcome: o.Code}
	held := map[Group]int{}
	answered := false
	for _, g := range Groups {
		for _, ind := range o.Indicators[g] {
			v, ok := a[ind.ID]
			answered = answered || ok
			if v {
				held[g]++
			}
		}
	}
	if !answered {
		r.Status, r.Reason = Unassessed, "no indicator has been assessed"
		return r
	}
	allHeld := func(g Group) bool { n := len(o.Indicators[g]); return n > 0 && held[g] == n }
	switch {
	case held[GroupNotAchieved] > 0:
		r.Status = NotAchieved
		r.Reason = fmt.Sprintf("%d of %d not-achieved statements hold", held[GroupNotAchieved], len(o.Indicators[GroupNotAchieved]))
	case allHeld(GroupAchieved):
		r.Status = Achieved
		r.Reason = fmt.Sprintf("all %d achieved statements hold", len(o.Indicators[GroupAchieved]))
	case allHeld(GroupPartiallyAchieved):
		r.Status = PartiallyAchieved
		r.Reason = fmt.Sprintf("all %d partially-achieved statements hold; %d of %d achieved statements do",
			len(o.Indicators[GroupPartiallyAchieved]), held[GroupAchieved], len(o.Indicators[GroupAchieved]))
	default:
		r.Status = NotAchieved
		r.Reason = fmt.Sprintf("%d of %d achieved and %d of %d partially-achieved statements hold: neither set is complete",
			held[GroupAchieved], len(o.Indicators[GroupAchieved]), held[GroupPartiallyAchieved], len(o.Indicators[GroupPartiallyAchieved]))
	}
	return r
}

// AssessAll assesses every outcome of f.
func AssessAll(f *Framework, a Answers) []Result {
	outs := f.Outcomes()
	res := make([]Result, len(outs))
	for i, o := range outs {
		res[i] = Assess(o, a)
	}
	return res
}

// Gap is an outcome below its target.
type Gap struct {
	Outcome string `json:"outcome"`
	Title   string `json:"title"`
	Status  Status `json:"status"`
	Target  Status `json:"target"`
}

// Profile returns the target statuses of the CAF profile named (baseline
// or enhanced, where the framework defines them), by outcome code; an
// organisation may set its own instead.
func (f *Framework) Profile(name string) (map[string]Status, error) {
	t := map[string]Status{}
	for _, o := range f.Outcomes() {
		if s, ok := o.Profile[name]; ok {
			t[o.Code] = s
		}
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("caf %s: no outcome gives a %q profile", f.Version, name)
	}
	return t, nil
}

// Gaps lists, in framework order, the outcomes whose result falls short of
// target; an unassessed outcome with a target is a gap.
func Gaps(f *Framework, results []Result, target map[string]Status) []Gap {
	got := make(map[string]Status, len(results))
	for _, r := range results {
		got[r.Outcome] = r.Status
	}
	var gaps []Gap
	for _, o := range f.Outcomes() {
		want, ok := target[o.Code]
		if !ok || got[o.Code].Meets(want) && got[o.Code] != Unassessed {
			continue
		}
		gaps = append(gaps, Gap{Outcome: o.Code, Title: o.Title, Status: got[o.Code], Target: want})
	}
	return gaps
}
