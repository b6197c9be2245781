package people

import (
	"cmp"
	"fmt"
	"slices"
)

// QuestionResult is one question's result for a set of respondents.
type QuestionResult struct {
	Question Question `json:"question"`
	Answered int      `json:"answered"`
	// Positive is the share answering positively, weighted to the
	// workforce; Unweighted is the plain share.
	Positive   float64 `json:"positive"`
	Unweighted float64 `json:"unweighted"`
	National   float64 `json:"national"` // National2024's Positive for the question
	// Suppressed is true, and the shares 0, when fewer than MinGroupSize
	// answered this question.
	Suppressed bool `json:"suppressed,omitempty"`
}

// GroupPulse is one staff group's results.
type GroupPulse struct {
	Group       string           `json:"staff_group"`
	Respondents int              `json:"respondents"`
	Questions   []QuestionResult `json:"questions"`
}

// PulseResults are a round's results: evidence for CAF B6.a. Groups with
// fewer than MinGroupSize respondents are not shown, nor is a further
// group when that is needed to stop the hidden ones being worked out from
// the overall figure; Overall is empty when fewer than MinGroupSize
// answered at all.
type PulseResults struct {
	Round       string           `json:"round"`
	Respondents int              `json:"respondents"` // 0 when the round is suppressed
	Overall     []QuestionResult `json:"overall,omitempty"`
	Groups      []GroupPulse     `json:"groups"`
	Suppressed  int              `json:"suppressed_groups"`
	// Uncovered lists staff groups and sites with staff but no
	// respondents: the weighting cannot speak for them.
	Uncovered []string `json:"uncovered,omitempty"`
	Source    string   `json:"national_source"`
}

// Results returns a round's results, weighted by raking over staff group
// and site. It fails when the round has no responses or the raking does
// not converge.
func (p *Pulse) Results(round string) (PulseResults, error) {
	cells := p.snapshot(round)
	n := make(map[cell]int, len(cells))
	byGroup := map[string]int{}
	total := 0
	for c, t := range cells {
		n[c] = t.n
		byGroup[c.group] += t.n
		total += t.n
	}
	if total == 0 {
		return PulseResults{}, fmt.Errorf("pulse round %s: no responses", round)
	}
	if total < MinGroupSize {
		return PulseResults{Round: round, Groups: []GroupPulse{}, Suppressed: len(byGroup), Source: NationalSource}, nil
	}
	rk, err := rake(n, p.groups, p.sites)
	if err != nil {
		return PulseResults{}, fmt.Errorf("pulse round %s: %w", round, err)
	}
	res := PulseResults{Round: round, Groups: []GroupPulse{}, Uncovered: rk.uncovered, Source: NationalSource}
	res.Respondents = total
	res.Overall = questionResults(cells, rk.weight, func(cell) bool { return true })
	shown := visibleGroups(byGroup)
	for _, g := range shown {
		res.Groups = append(res.Groups, GroupPulse{Group: g, Respondents: byGroup[g],
			Questions: questionResults(cells, rk.weight, func(c cell) bool { return c.group == g })})
	}
	res.Suppressed = len(byGroup) - len(shown)
	return res, nil
}

// Trend returns every round's results, oldest first; a round that cannot
// be weighted is an error naming it.
func (p *Pulse) Trend() ([]PulseResults, error) {
	var out []PulseResults
	for _, r := range p.Rounds() {
		res, err := p.Results(r)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// visibleGroups returns the groups that may be shown, in name order:
// those with at least MinGroupSize respondents, less the smallest of them
// while the hidden groups together have between 1 and MinGroupSize-1
// respondents (they could otherwise be found as the overall figure less
// the shown groups).
func visibleGroups(byGroup map[string]int) []string {
	var shown []string
	hidden := 0
	for g, k := range byGroup {
		if k >= MinGroupSize {
			shown = append(shown, g)
		} else {
			hidden += k
		}
	}
	// Smallest first, so the group given up is the one that tells least.
	slices.SortFunc(shown, func(a, b string) int { return cmp.Or(cmp.Compare(byGroup[a], byGroup[b]), cmp.Compare(a, b)) })
	for hidden > 0 && hidden < MinGroupSize && len(shown) > 0 {
		hidden += byGroup[shown[0]]
		shown = shown[1:]
	}
	slices.SortFunc(shown, cmp.Compare)
	return shown
}

// questionResults computes each question's weighted and plain shares
// over the cells selected.
func questionResults(cells map[cell]cellTally, w map[cell]float64, in func(cell) bool) []QuestionResult {
	out := make([]QuestionResult, numQuestions)
	for q := range numQuestions {
		var wPos, wAns float64
		var pos, ans int
		for c, t := range cells {
			if !in(c) {
				continue
			}
			wPos += w[c] * float64(t.positive[q])
			wAns += w[c] * float64(t.answered[q])
			pos += t.positive[q]
			ans += t.answered[q]
		}
		r := QuestionResult{Question: q, Answered: ans, National: National2024[q].Positive}
		if ans < MinGroupSize {
			r.Suppressed = true
		} else {
			r.Positive, r.Unweighted = wPos/wAns, float64(pos)/float64(ans)
		}
		out[q] = r
	}
	return out
}
