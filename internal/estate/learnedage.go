package estate

import (
	"context"
	"time"
)

// DefaultLearnedMaxAge is how long a learned asset is kept after it was
// last seen unless configured otherwise: a quarter and a bit, so that a
// machine used once a quarter stays listed while a decommissioned one
// leaves the inventory and the board pack.
const DefaultLearnedMaxAge = 90 * 24 * time.Hour

// FreshLearned returns the assets last seen within maxAge before now, in
// their order; maxAge 0 keeps every one. An asset with no last-seen time
// is kept: nothing says it is old. The slice is not changed; a new one
// is returned only when an asset is dropped.
func FreshLearned(assets []Asset, maxAge time.Duration, now time.Time) []Asset {
	if maxAge <= 0 {
		return assets
	}
	cutoff := now.Add(-maxAge)
	stale := func(a Asset) bool { return !a.LastSeen.IsZero() && a.LastSeen.Before(cutoff) }
	for i, a := range assets {
		if stale(a) {
			out := append(make([]Asset, 0, len(assets)-1), assets[:i]...)
			for _, b := range assets[i+1:] {
				if !stale(b) {
					out = append(out, b)
				}
			}
			return out
		}
	}
	return assets
}

// agedStore ages out the learned assets of the Store it wraps.
type agedStore struct {
	Store
	maxAge time.Duration
	now    func() time.Time
}

// AgeLearned returns s with its learned assets ageing out: Learned leaves
// out the hosts last seen more than maxAge before now (after merging
// every node's observations, so a host one node still sees stays), and
// SaveLearned leaves them out of what it saves, so that a node's rows
// for them go at its next save. Rows of a node that no longer saves are
// never read; pgstore's EstateOptions.NodeMaxAge deletes them. maxAge 0
// returns s as it is.
func AgeLearned(s Store, maxAge time.Duration, now func() time.Time) Store {
	if maxAge <= 0 {
		return s
	}
	return &agedStore{Store: s, maxAge: maxAge, now: now}
}

// SaveLearned implements Store.
func (s *agedStore) SaveLearned(ctx context.Context, node string, assets []Asset) error {
	return s.Store.SaveLearned(ctx, node, FreshLearned(assets, s.maxAge, s.now()))
}

// Learned implements Store.
func (s *agedStore) Learned(ctx context.Context) ([]Asset, bool, error) {
	assets, ok, err := s.Store.Learned(ctx)
	if err != nil || !ok {
		return assets, ok, err
	}
	return FreshLearned(assets, s.maxAge, s.now()), true, nil
}
