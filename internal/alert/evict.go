package alert

import (
	"slices"
	"strings"
)

// sweep evicts the alerts and incidents that can no longer be joined. It
// runs at most once per the shorter window of event time, so that its
// scan costs little per detection; until then lookups skip closed entries,
// so when it runs changes nothing but memory.
func (d *Deduper) sweep() {
	if d.newest.Sub(d.lastSweep) < min(d.window, d.incidentWindow) {
		return
	}
	d.lastSweep = d.newest
	for k, list := range d.alerts {
		kept := list[:0]
		for _, a := range list {
			if d.held(a) {
				kept = append(kept, a)
			} else {
				d.dropAlert(a)
			}
		}
		clear(list[len(kept):])
		if len(kept) == 0 {
			delete(d.alerts, k)
		} else {
			d.alerts[k] = kept
		}
	}
	for _, inc := range d.incidents {
		if inc.refs == 0 && !d.incidentOpen(inc) {
			d.dropIncident(inc)
		}
	}
}

func (d *Deduper) dropAlert(a *Alert) {
	for _, r := range a.Records {
		rest := slices.DeleteFunc(d.byRecord[r], func(x *Alert) bool { return x == a })
		if len(rest) == 0 {
			delete(d.byRecord, r)
		} else {
			d.byRecord[r] = rest
		}
	}
	if inc := d.incidents[a.IncidentID]; inc != nil {
		inc.refs--
	}
}

func (d *Deduper) dropIncident(inc *incident) {
	delete(d.incidents, inc.ID)
	unindex := func(m map[string][]*incident, name string) {
		rest := slices.DeleteFunc(m[name], func(x *incident) bool { return x == inc })
		if len(rest) == 0 {
			delete(m, name)
		} else {
			m[name] = rest
		}
	}
	for _, h := range inc.Hosts {
		unindex(d.byHost, strings.ToLower(h))
	}
	for _, u := range inc.Users {
		if g := groupUser(u); g != "" {
			unindex(d.byUser, g)
		}
	}
}
