package hunt

import (
	"fmt"

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

// NewEngine compiles set for hunting. The set's correlations must all
// build: load it with rules.Load, which sets refused ones aside.
func NewEngine(set *sigma.Set) (*Engine, error) {
	corr, err := correlate.New(set.Rules, set.Correlations)
	if err != nil {
		return nil, fmt.Errorf("correlation rules: %w", err)
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
