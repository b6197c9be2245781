package alert

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/unionfind"
)

// KeepLinks makes d record, in each incident's Links, the keys its alerts
// looked other incidents up by when they were placed. A detect node
// turns it on: its Deduper sees only its partitions' hosts, so a key that
// found nothing there may name an incident of another partition, which
// the cross-partition linker (LinkIncidents) then finds. It changes no
// grouping.
func (d *Deduper) KeepLinks() { d.keepLinks = true }

// keepProbed adds the keys the last lookup recorded to inc's Links.
func (d *Deduper) keepProbed(inc *incident) {
	if !d.keepLinks {
		return
	}
	for _, k := range d.probed {
		if len(inc.Links) < MaxIncidentEntities && !slices.Contains(inc.Links, k) {
			inc.Links = append(inc.Links, k)
		}
	}
}

// LinkKeys lists the keys under which a Deduper finds inc when it places
// a new alert: "host:" and "user:" (a real user's name, see IsPerson)
// keys of its hosts and users, and its Entities. Sorted, each once.
func LinkKeys(inc *Incident) []string {
	out := keys(inc)
	slices.Sort(out)
	return slices.Compact(out)
}

// LinkProbes lists the keys inc's alerts look other incidents up by: its
// own hosts and real users (an alert joins the incidents of its host and
// user) and the Links recorded when its alerts were placed (what reached
// their hosts, what they reached, their artefacts, already cleared of
// shared infrastructure by the Deduper that placed them). Sorted, each
// once.
func LinkProbes(inc *Incident) []string {
	var out []string
	for _, k := range keys(inc) {
		if strings.HasPrefix(k, "host:") || strings.HasPrefix(k, "user:") {
			out = append(out, k)
		}
	}
	out = append(out, inc.Links...)
	slices.Sort(out)
	return slices.Compact(out)
}

// LinkIncidents groups the open incidents of incs that a single Deduper
// holding all of them would have linked: an incident whose LinkProbes
// meet another's LinkKeys, their spans within window of each other, and
// neither merged. A key of a host, address or artefact that the
// incidents of more than SharedEntityHosts hosts hold links nothing
// (shared infrastructure, seen across partitions). linkable, when not
// nil, says whether two incidents may be linked at all (a detect node's
// linker allows only incidents of different partitions: the Deduper of
// one partition has already linked what it could).
//
// Each group lists incident ids, the one to keep first (the earliest
// FirstSeen, then the smallest id, as the Deduper keeps the oldest), then
// the others by id; groups are in order of their first id, and incidents
// linked to no other are left out.
func LinkIncidents(incs []*Incident, window time.Duration, linkable func(a, b *Incident) bool) [][]string {
	open := make([]*Incident, 0, len(incs))
	seen := make(map[string]bool, len(incs))
	for _, inc := range incs {
		if inc != nil && inc.MergedInto == "" && !seen[inc.ID] {
			seen[inc.ID] = true
			open = append(open, inc)
		}
	}
	byKey := map[string][]int{}
	for i, inc := range open {
		for _, k := range LinkKeys(inc) {
			byKey[k] = append(byKey[k], i)
		}
	}
	sets := unionfind.New(len(open))
	for i, inc := range open {
		for _, k := range LinkProbes(inc) {
			if sharedKey(k, byKey[k], open) {
				continue
			}
			for _, j := range byKey[k] {
				if j != i && spansMeet(inc, open[j], window) && (linkable == nil || linkable(inc, open[j])) {
					sets.Join(i, j)
				}
			}
		}
	}
	return groups(sets, open)
}

// sharedKey reports whether the incidents holding key k, an entity's,
// cover more than SharedEntityHosts hosts. Hosts and users always link.
func sharedKey(k string, holders []int, incs []*Incident) bool {
	if strings.HasPrefix(k, "host:") || strings.HasPrefix(k, "user:") || len(holders) < 2 {
		return false
	}
	var hosts []string
	for _, i := range holders {
		for _, h := range incs[i].Hosts {
			if h = shortHost(h); !slices.Contains(hosts, h) {
				hosts = append(hosts, h)
			}
		}
	}
	return len(hosts) > SharedEntityHosts
}

// spansMeet reports whether a's and b's spans come within window of each
// other, as the Deduper links an alert to an incident whose span is
// within the incident window of it.
func spansMeet(a, b *Incident, window time.Duration) bool {
	return !a.FirstSeen.After(b.LastSeen.Add(window)) && !b.FirstSeen.After(a.LastSeen.Add(window))
}

// groups lists the sets of more than one incident as LinkIncidents
// returns them.
func groups(u unionfind.Sets, incs []*Incident) [][]string {
	members := map[int][]*Incident{}
	for i, inc := range incs {
		r := u.Find(i)
		members[r] = append(members[r], inc)
	}
	var out [][]string
	for _, m := range members {
		if len(m) < 2 {
			continue
		}
		slices.SortFunc(m, func(x, y *Incident) int { return strings.Compare(x.ID, y.ID) })
		keep := slices.MinFunc(m, keptFirst)
		ids := []string{keep.ID}
		for _, inc := range m {
			if inc != keep {
				ids = append(ids, inc.ID)
			}
		}
		out = append(out, ids)
	}
	slices.SortFunc(out, func(x, y []string) int { return strings.Compare(x[0], y[0]) })
	return out
}

// keptFirst orders incidents as the Deduper chooses which one a merge
// keeps: the earliest FirstSeen, then the smallest id.
func keptFirst(x, y *Incident) int {
	return cmp.Or(x.FirstSeen.Compare(y.FirstSeen), cmp.Compare(x.ID, y.ID))
}
