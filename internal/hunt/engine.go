package hunt

import (
	"errors"

	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/detect"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// Engine holds the compiled rules of a hunt. It is immutable and may serve
// several runs; correlation state lives in each run.
type Engine struct {
	set     *sigma.Set
	matcher *detect.Matcher
	// needed marks rules whose matches feed a correlation; quiet marks rules
	// whose own matches are not reported (referenced only by correlations
	// that do not generate them).
	needed map[*sigma.Rule]bool
	quiet  map[*sigma.Rule]bool
}

// NewEngine compiles set for hunting. Correlation rules that the correlation
// engine refuses (a reference cycle, say) are moved from set.Correlations to
// set.Refused, so that callers report them like any other refused rule.
func NewEngine(set *sigma.Set) (*Engine, error) {
	set.Refused = append(set.Refused, CheckCorrelations(set)...)
	corr, err := correlate.New(set.Rules, set.Correlations)
	if err != nil {
		return nil, err // CheckCorrelations removed every refusal: this is a fault
	}
	e := &Engine{
		set:     set,
		matcher: detect.NewMatcher(set.Rules),
		needed:  map[*sigma.Rule]bool{},
		quiet:   map[*sigma.Rule]bool{},
	}
	for _, r := range set.Rules {
		e.needed[r] = corr.Referenced(r)
		e.quiet[r] = corr.Suppressed(r)
	}
	return e, nil
}

// CheckCorrelations removes from set the correlations the correlation engine
// refuses and returns them as refusals naming the rule file and line.
func CheckCorrelations(set *sigma.Set) []sigma.Refusal {
	_, err := correlate.New(set.Rules, set.Correlations)
	if err == nil {
		return nil
	}
	var refused []sigma.Refusal
	bad := map[*sigma.Correlation]bool{}
	for _, e := range unjoin(err) {
		var ce *correlate.Error
		if !errors.As(e, &ce) {
			refused = append(refused, sigma.Refusal{Path: "correlations", Err: e})
			continue
		}
		bad[ce.Correlation] = true
		refused = append(refused, sigma.Refusal{Path: ce.Correlation.Path, Line: ce.Correlation.Line, Err: ce})
	}
	kept := set.Correlations[:0]
	for _, c := range set.Correlations {
		if !bad[c] {
			kept = append(kept, c)
		}
	}
	set.Correlations = kept
	return refused
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Rules reports how many detection and correlation rules the engine runs.
func (e *Engine) Rules() (detection, correlation int) {
	return len(e.set.Rules), len(e.set.Correlations)
}

func (e *Engine) newCorrelator() *correlate.Engine {
	c, err := correlate.New(e.set.Rules, e.set.Correlations)
	if err != nil { // NewEngine already built one from the same rules
		panic(err)
	}
	return c
}
