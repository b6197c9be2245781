package estate

import "slices"

// MergeLearned joins what several nodes learned from events into one list,
// one asset per host (names compared as hosts are, RegisterKey), in the
// order each host first appears across the lists. Each node sees only its
// share of the events, and a host's events move to another node when its
// partition does, so the lists overlap. Per host the latest observation
// wins (the asset with the latest LastSeen gives every field it states,
// older ones fill the gaps), software and sources are the union (a program
// seen by two nodes keeps its highest version), FirstSeen is the earliest
// and LastSeen the latest. Assets without a name are kept as they are.
// The lists are not changed.
func MergeLearned(lists ...[]Asset) []Asset {
	n := 0
	for _, list := range lists {
		n += len(list)
	}
	out := make([]Asset, 0, n)
	at := make(map[string]int, n) // host key → its place in out
	more := make(map[int][]Asset) // the further observations of out[i]'s host
	for _, list := range lists {
		for _, a := range list {
			k := hostKey(a.Name)
			i, ok := at[k]
			if ok && k != "" {
				more[i] = append(more[i], a)
				continue
			}
			at[k] = len(out)
			out = append(out, a)
		}
	}
	for i, a := range out {
		if g, ok := more[i]; ok {
			out[i] = mergeObservations(append([]Asset{a}, g...))
		} else {
			out[i] = cloneAsset(a)
		}
	}
	return out
}

// mergeObservations joins one host's assets, the latest observation first.
func mergeObservations(g []Asset) Asset {
	slices.SortStableFunc(g, func(a, b Asset) int { return b.LastSeen.Compare(a.LastSeen) })
	m := cloneAsset(g[0])
	for _, b := range g[1:] {
		m.fill(b)
		m.raiseSoftware(b.Software)
	}
	return m
}

// raiseSoftware takes, for each program a holds, the highest version and
// its path that ss gives for it.
func (a *Asset) raiseSoftware(ss []Software) {
	for _, s := range ss {
		i := slices.IndexFunc(a.Software, func(x Software) bool { return x.Vendor == s.Vendor && x.Product == s.Product })
		if i >= 0 && compareVersions(s.Version, a.Software[i].Version) > 0 {
			a.Software[i] = s
		}
	}
}
