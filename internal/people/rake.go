package people

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Raking settings: the largest relative gap between a weighted margin and
// its target that counts as converged, and the most rounds tried.
const (
	rakeTolerance = 1e-9
	rakeMaxRounds = 1000
)

// cell is one staff group at one site.
type cell struct{ group, site string }

// rakeResult is the outcome of raking: a weight per respondent in each
// cell, and the groups and sites that have staff but no respondents (left
// out of the margins, so the weighting does not cover them).
type rakeResult struct {
	weight    map[cell]float64
	uncovered []string
	rounds    int
}

// rake weights respondents so that their spread over staff groups and
// over sites matches the workforce's (iterative proportional fitting over
// the two margins). n counts respondents per cell; groups and sites count
// staff. Each margin's targets are the workforce shares of the categories
// that have respondents, scaled to the number of respondents. It fails,
// rather than returning weights that do not fit, when a respondent's
// group or site has no staff, or when the fit does not converge (the
// cells answered cannot reproduce both margins).
func rake(n map[cell]int, groups, sites map[string]int) (rakeResult, error) {
	total := 0
	haveG, haveS := map[string]int{}, map[string]int{}
	for c, k := range n {
		if k <= 0 {
			continue
		}
		total += k
		haveG[c.group] += k
		haveS[c.site] += k
	}
	if total == 0 {
		return rakeResult{}, fmt.Errorf("raking: no respondents")
	}
	tg, uncG, err := targets(haveG, groups, total, "staff group")
	if err != nil {
		return rakeResult{}, err
	}
	ts, uncS, err := targets(haveS, sites, total, "site")
	if err != nil {
		return rakeResult{}, err
	}
	m := map[cell]float64{}
	for c, k := range n {
		if k > 0 {
			m[c] = float64(k)
		}
	}
	rounds, err := fit(m, tg, ts)
	if err != nil {
		return rakeResult{}, err
	}
	res := rakeResult{weight: map[cell]float64{}, uncovered: append(uncG, uncS...), rounds: rounds}
	for c, v := range m {
		w := v / float64(n[c])
		if math.IsNaN(w) || math.IsInf(w, 0) || w <= 0 {
			return rakeResult{}, fmt.Errorf("raking: weight %v for %s at %s", w, c.group, c.site)
		}
		res.weight[c] = w
	}
	return res, nil
}

// targets scales a margin's workforce counts, over the categories with
// respondents, to total; it lists categories with staff and no
// respondents as uncovered.
func targets(have map[string]int, staff map[string]int, total int, what string) (map[string]float64, []string, error) {
	covered := 0
	for k := range have {
		s := staff[k]
		if s <= 0 {
			return nil, nil, fmt.Errorf("raking: %s %q has respondents but no staff in the directory", what, k)
		}
		covered += s
	}
	t := make(map[string]float64, len(have))
	for k := range have {
		t[k] = float64(total) * float64(staff[k]) / float64(covered)
	}
	var unc []string
	for k, s := range staff {
		if _, ok := have[k]; !ok && s > 0 {
			unc = append(unc, what+" "+k)
		}
	}
	slices.SortFunc(unc, cmp.Compare)
	return t, unc, nil
}

// fit scales m in place, alternately to the group and the site targets,
// until both hold; it returns the rounds taken.
func fit(m map[cell]float64, tg, ts map[string]float64) (int, error) {
	cells := make([]cell, 0, len(m))
	for c := range m {
		cells = append(cells, c)
	}
	// A fixed order keeps the floating-point result the same run to run.
	slices.SortFunc(cells, func(a, b cell) int { return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.site, b.site)) })
	for round := 1; round <= rakeMaxRounds; round++ {
		scale(m, cells, tg, func(c cell) string { return c.group })
		scale(m, cells, ts, func(c cell) string { return c.site })
		// Sites now match; converged when groups still do.
		if gap(m, cells, tg, func(c cell) string { return c.group }) < rakeTolerance {
			return round, nil
		}
	}
	return 0, fmt.Errorf("raking: no convergence after %d rounds: the groups and sites answered cannot match the workforce's make-up together (too few cells answered); widen the pulse or report unweighted", rakeMaxRounds)
}

// scale multiplies each category's cells so its sum meets its target.
func scale(m map[cell]float64, cells []cell, t map[string]float64, key func(cell) string) {
	sum := margins(m, cells, key)
	for _, c := range cells {
		m[c] *= t[key(c)] / sum[key(c)]
	}
}

// gap returns the largest relative difference between a margin and its
// targets.
func gap(m map[cell]float64, cells []cell, t map[string]float64, key func(cell) string) float64 {
	sum := margins(m, cells, key)
	worst := 0.0
	for k, v := range t {
		d := math.Abs(sum[k]-v) / v
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		worst = max(worst, d)
	}
	return worst
}

// margins sums cells by category.
func margins(m map[cell]float64, cells []cell, key func(cell) string) map[string]float64 {
	sum := map[string]float64{}
	for _, c := range cells {
		sum[key(c)] += m[c]
	}
	return sum
}
