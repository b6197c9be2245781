package alert

import (
	"context"
	"fmt"
	"strings"
)

// restoreIncidents bounds how many incidents RestoreFrom reads: the most
// recent, which include every one an open alert can belong to in practice.
const restoreIncidents = 100_000

// Restore rebuilds the open windows from stored alerts and incidents, at
// start-up, replacing whatever d held. It may be given more than it needs
// (everything, or the most recent alerts and incidents): the newest
// LastSeen among them is taken as the clock, and what can no longer be
// joined is left out. For a replay to repeat the first run exactly it must
// be given every alert whose LastSeen is within two windows, and two
// incident windows, of the newest, and their incidents; an alert whose incident is missing still counts,
// but its incident is then not updated. The arguments are copied.
func (d *Deduper) Restore(alerts []*Alert, incidents []*Incident) {
	d.reset()
	for _, a := range alerts {
		if a.LastSeen.After(d.newest) {
			d.newest = a.LastSeen
		}
	}
	for _, inc := range incidents {
		if inc.LastSeen.After(d.newest) {
			d.newest = inc.LastSeen
		}
	}
	d.lastSweep = d.newest
	byID := make(map[string]*Incident, len(incidents))
	for _, inc := range incidents {
		byID[inc.ID] = inc
		if d.newest.Before(inc.LastSeen.Add(2 * d.incidentWindow)) {
			d.holdIncident(inc)
		}
	}
	for _, src := range alerts {
		if !d.held(src) {
			continue
		}
		a := cloneAlert(src)
		d.holdAlert(alertKey{a.RuleID, strings.ToLower(a.Host), a.Key}, a)
		for _, r := range a.Records {
			d.byRecord[r] = append(d.byRecord[r], a)
		}
		inc := d.incidents[a.IncidentID]
		if inc == nil && byID[a.IncidentID] != nil {
			inc = d.holdIncident(byID[a.IncidentID])
		}
		if inc != nil {
			inc.refs++
		}
	}
}

// holdIncident keeps a copy of src and indexes it by host and user.
func (d *Deduper) holdIncident(src *Incident) *incident {
	if inc := d.incidents[src.ID]; inc != nil {
		return inc
	}
	inc := &incident{Incident: cloneIncident(src), titleRank: LevelRank(src.Level)}
	d.incidents[inc.ID] = inc
	for _, h := range inc.Hosts {
		d.indexHost(inc, h)
	}
	for _, u := range inc.Users {
		d.indexUser(inc, u)
	}
	return inc
}

// RestoreFrom reads from s what Restore needs (the alerts last seen within
// two windows or two incident windows of the newest, whichever is longer,
// and the most recent incidents) and restores
// d from it.
func (d *Deduper) RestoreFrom(ctx context.Context, s Store) error {
	newest, err := s.Alerts(ctx, Query{Limit: 1})
	if err != nil {
		return fmt.Errorf("alert: restore: read newest alert: %w", err)
	}
	if len(newest) == 0 {
		d.reset()
		return nil
	}
	since := newest[0].LastSeen.Add(-2 * max(d.window, d.incidentWindow))
	alerts, err := s.Alerts(ctx, Query{Since: since, Limit: 1<<31 - 1})
	if err != nil {
		return fmt.Errorf("alert: restore: read alerts since %s: %w", since, err)
	}
	incidents, err := s.Incidents(ctx, restoreIncidents)
	if err != nil {
		return fmt.Errorf("alert: restore: read incidents: %w", err)
	}
	d.Restore(alerts, incidents)
	return nil
}
