package assure

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Evidence is one item that says whether indicator statements hold: found
// automatically in Vigil's own data, or recorded by a person with an owner,
// a date and an attachment.
type Evidence struct {
	ID         string    `json:"id"`
	Indicators []string  `json:"indicators"` // the statements it speaks to, e.g. C1.a.7
	Holds      bool      `json:"holds"`      // whether they hold on this evidence
	Summary    string    `json:"summary"`    // plain words: what was seen or done
	Source     string    `json:"source"`     // "vigil:<collector>" or "manual"
	Owner      string    `json:"owner,omitempty"`
	Collected  time.Time `json:"collected"`
	Expires    time.Time `json:"expires,omitzero"` // after this it no longer counts
	Attachment string    `json:"attachment,omitempty"`
}

// Collector gathers evidence from one part of Vigil (the flow watch, the
// alert store, the estate, training records, ...) as of a moment.
type Collector interface {
	Name() string
	Collect(ctx context.Context, at time.Time) ([]Evidence, error)
}

// Collect runs every collector. A collector that fails is reported in the
// error and its evidence left out; the others' evidence is still returned.
func Collect(ctx context.Context, at time.Time, cs ...Collector) ([]Evidence, error) {
	var all []Evidence
	var failed []error
	for _, c := range cs {
		ev, err := c.Collect(ctx, at)
		if err != nil {
			failed = append(failed, fmt.Errorf("evidence collector %s: %w", c.Name(), err))
			continue
		}
		all = append(all, ev...)
	}
	if len(failed) > 0 {
		return all, errors.Join(failed...)
	}
	return all, nil
}

// AnswersFrom turns evidence valid at at into answers. The newest item on
// a statement decides it, so that a fresh finding replaces an old one;
// expired items and items dated after at do not count. It also returns,
// per statement, the evidence that decided it.
func AnswersFrom(evs []Evidence, at time.Time) (Answers, map[string]Evidence) {
	sorted := slices.Clone(evs)
	slices.SortStableFunc(sorted, func(a, b Evidence) int { return a.Collected.Compare(b.Collected) })
	a := Answers{}
	by := map[string]Evidence{}
	for _, e := range sorted {
		if e.Collected.After(at) || (!e.Expires.IsZero() && !e.Expires.After(at)) {
			continue
		}
		for _, id := range e.Indicators {
			a[id] = e.Holds
			by[id] = e
		}
	}
	return a, by
}

// CheckEvidence reports evidence that names statements the framework does
// not have, so that a mistyped id is not silently ignored.
func CheckEvidence(f *Framework, evs []Evidence) error {
	known := map[string]bool{}
	for _, o := range f.Outcomes() {
		for _, g := range Groups {
			for _, ind := range o.Indicators[g] {
				known[ind.ID] = true
			}
		}
	}
	for _, e := range evs {
		if len(e.Indicators) == 0 {
			return fmt.Errorf("evidence %s: names no indicator", e.ID)
		}
		for _, id := range e.Indicators {
			if !known[id] {
				return fmt.Errorf("evidence %s: CAF %s has no indicator %s", e.ID, f.Version, id)
			}
		}
	}
	return nil
}
