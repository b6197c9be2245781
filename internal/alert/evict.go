package alert

import "slices"

// sweep evicts the alerts and incidents that can no longer be joined, and
// what Observe saw more than two incident windows ago. It runs at most
// once per the shorter window of event time, so that its scan costs little
// per detection; until then lookups skip closed entries, so when it runs
// changes nothing but memory.
func (d *Deduper) sweep() {
	if d.newest.Sub(d.lastSweep) < min(d.window, d.incidentWindow) {
		return
	}
	d.lastSweep = d.newest
	for k, a := range d.alerts {
		if !d.held(a) {
			delete(d.alerts, k)
			d.dropAlert(a)
		}
	}
	for _, inc := range d.incidents {
		if len(inc.alerts) == 0 && !d.incidentOpen(inc.Incident) {
			d.dropIncident(inc)
		}
	}
	d.graph.newest = later(d.graph.newest, d.newest)
	d.graph.prune(2 * d.incidentWindow)
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
		inc.alerts = slices.DeleteFunc(inc.alerts, func(x *Alert) bool { return x == a })
	}
}

func (d *Deduper) dropIncident(inc *incident) {
	delete(d.incidents, inc.ID)
	for _, k := range keys(inc.Incident) {
		rest := slices.DeleteFunc(d.byEntity[k], func(x *incident) bool { return x == inc })
		if len(rest) == 0 {
			delete(d.byEntity, k)
		} else {
			d.byEntity[k] = rest
		}
	}
}
