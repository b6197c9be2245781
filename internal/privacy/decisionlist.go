package privacy

import (
	"cmp"
	"slices"
)

var _ DecisionStore = (*DecisionLog)(nil)

// List implements DecisionStore: every decision replayed or recorded, by
// case id.
func (l *DecisionLog) List() ([]Decision, error) {
	l.ds.mu.Lock()
	defer l.ds.mu.Unlock()
	out := make([]Decision, 0, len(l.ds.m))
	for _, d := range l.ds.m {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Decision) int { return cmp.Compare(a.CaseID, b.CaseID) })
	return out, nil
}
