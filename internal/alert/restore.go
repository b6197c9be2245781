package alert

import (
	"context"
	"fmt"
	"strings"
)

// restoreIncidents bounds how many alerts and incidents RestoreFrom reads:
// the most recent, which include every one that can still be joined in
// practice.
const restoreIncidents = 100_000

// Restore rebuilds the open windows from stored alerts and incidents, at
// start-up, replacing whatever d held. It may be given more than it needs
// (everything, or the most recent alerts and incidents): the newest
// LastSeen or Updated among them is taken as the clock, and what can no
// longer be joined is left out. For a replay to repeat the first run
// exactly it must be given every alert last seen or changed within two
// windows, and two incident windows, of the newest, and their incidents;
// an alert whose incident is missing still counts, but its incident is
// then not updated. The arguments are copied.
func (d *Deduper) Restore(alerts []*Alert, incidents []*Incident) {
	d.reset()
	for _, a := range alerts {
		d.newest = later(d.newest, later(a.LastSeen, a.Updated))
	}
	for _, inc := range incidents {
		d.newest = later(d.newest, later(inc.LastSeen, inc.Updated))
	}
	d.lastSweep = d.newest
	d.graph.newest, d.graph.pruned = d.newest, d.newest
	byID := make(map[string]*Incident, len(incidents))
	for _, inc := range incidents {
		byID[inc.ID] = inc
		if d.incidentOpen(inc) {
			d.holdIncident(inc)
		}
	}
	for _, src := range alerts {
		if !d.held(src) {
			continue
		}
		a := cloneAlert(src)
		d.alerts[bucketKey{a.RuleID, strings.ToLower(a.Host), a.Key, a.FirstSeen.Truncate(d.window).UnixNano()}] = a
		for _, r := range a.Records {
			d.byRecord[r] = append(d.byRecord[r], a)
		}
		inc := d.incidents[a.IncidentID]
		if inc == nil && byID[a.IncidentID] != nil && byID[a.IncidentID].MergedInto == "" {
			inc = d.holdIncident(byID[a.IncidentID])
		}
		if inc != nil {
			inc.alerts = append(inc.alerts, a)
		}
	}
}

// holdIncident keeps a copy of src and indexes it.
func (d *Deduper) holdIncident(src *Incident) *incident {
	if inc := d.incidents[src.ID]; inc != nil {
		return inc
	}
	inc := &incident{Incident: cloneIncident(src), titleRank: LevelRank(src.Level)}
	d.incidents[inc.ID] = inc
	for _, k := range keys(inc.Incident) {
		d.index(inc, k)
	}
	return inc
}

// RestoreFrom reads from s what Restore needs and restores d from it: the
// most recent alerts and incidents (restoreIncidents of each, newest
// LastSeen first), from which Restore keeps what can still be joined. Not
// a window of LastSeen: an alert of imported old events has an old
// LastSeen but a recent Updated, and must be found too.
func (d *Deduper) RestoreFrom(ctx context.Context, s Store) error {
	alerts, err := s.Alerts(ctx, Query{Limit: restoreIncidents})
	if err != nil {
		return fmt.Errorf("alert: restore: read alerts: %w", err)
	}
	incidents, err := s.Incidents(ctx, IncidentQuery{Merged: true, Limit: restoreIncidents})
	if err != nil {
		return fmt.Errorf("alert: restore: read incidents: %w", err)
	}
	d.Restore(alerts, incidents)
	return nil
}
