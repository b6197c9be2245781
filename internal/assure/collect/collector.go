package collect

import (
	"context"
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
)

// Validity is how long collected evidence counts: a month's figures stop
// speaking for the organisation after five weeks unless collected again.
const Validity = 35 * 24 * time.Hour

// claim is one statement a collector makes: the indicators it speaks to,
// whether they hold, and why in plain words.
type claim struct {
	ids     []string
	holds   bool
	summary string
}

// collector is an assure.Collector built from a function of the moment.
type collector struct {
	name   string
	claims func(at time.Time) []claim
}

// Name implements assure.Collector.
func (c collector) Name() string { return c.name }

// Collect implements assure.Collector: each claim becomes one evidence
// item, valid for Validity.
func (c collector) Collect(ctx context.Context, at time.Time) ([]assure.Evidence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []assure.Evidence
	for i, cl := range c.claims(at) {
		out = append(out, assure.Evidence{
			ID:         fmt.Sprintf("vigil-%s-%d", c.name, i+1),
			Indicators: cl.ids,
			Holds:      cl.holds,
			Summary:    cl.summary,
			Source:     "vigil:" + c.name,
			Collected:  at,
			Expires:    at.Add(Validity),
		})
	}
	return out, nil
}

// ids is shorthand for a list of indicator ids.
func ids(s ...string) []string { return s }

// pct formats a share as a whole percentage.
func pct(part, whole int) string {
	if whole == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(part)/float64(whole))
}

// shows is the common pair of claims a figure makes: the not-achieved
// statements in absent do not hold, and the statements in held do.
func shows(summary string, absent, held []string) []claim {
	var out []claim
	if len(absent) > 0 {
		out = append(out, claim{absent, false, summary})
	}
	if len(held) > 0 {
		out = append(out, claim{held, true, summary})
	}
	return out
}
