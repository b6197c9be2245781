package correlate

import (
	"errors"

	"github.com/vigilhealth/vigil/internal/sigma"
)

// Prune removes from set the correlations New would refuse (a reference
// cycle, an unknown reference, ...) and returns them as refusals naming
// their file and line, so that callers report them like any refused rule
// and New then builds from set without error.
func Prune(set *sigma.Set) []sigma.Refusal {
	_, err := New(set.Rules, set.Correlations)
	if err == nil {
		return nil
	}
	var refused []sigma.Refusal
	bad := map[*sigma.Correlation]bool{}
	for _, e := range unjoin(err) {
		var ce *Error
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
