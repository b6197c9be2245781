package alert

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// place puts the new alert a, on short host name host, into the incident
// it is linked to, merging the incidents it links if several, or into a
// new incident.
func (d *Deduper) place(a *Alert, correlated []uint64, host string, ents []Entity, ch *changes) {
	cands := d.linkedIncidents(a, correlated, host, ents)
	var inc *incident
	if len(cands) == 0 {
		inc = &incident{
			Incident: &Incident{
				ID:        incidentID(a.ID),
				FirstSeen: a.FirstSeen,
				LastSeen:  a.LastSeen,
				Status:    StatusOpen,
			},
			titleRank: -1, // the first alert gives the title
		}
		d.incidents[inc.ID] = inc
	} else {
		inc = cands[0] // the oldest survives
		for _, other := range cands[1:] {
			d.merge(inc, other, a.FirstSeen, ch)
		}
	}
	d.join(inc, a)
	d.touch(inc, a, host, ents)
	d.keepProbed(inc)
	ch.incident(inc)
}

// join makes a one of inc's alerts.
func (d *Deduper) join(inc *incident, a *Alert) {
	a.IncidentID = inc.ID
	inc.alerts = append(inc.alerts, a)
	if len(inc.AlertIDs) < MaxIncidentAlerts && !slices.Contains(inc.AlertIDs, a.ID) {
		inc.AlertIDs = append(inc.AlertIDs, a.ID)
	}
}

// linkedIncidents returns the open incidents a is linked to (see
// Deduper), oldest first.
func (d *Deduper) linkedIncidents(a *Alert, correlated []uint64, host string, ents []Entity) []*incident {
	var out []*incident
	add := func(list []*incident) {
		for _, inc := range list {
			if d.nearby(inc, a.FirstSeen) && !slices.Contains(out, inc) {
				out = append(out, inc)
			}
		}
	}
	for _, r := range correlated {
		for _, x := range d.byRecord[r] {
			if inc := d.incidents[x.IncidentID]; inc != nil && d.alertLinkable(x) && d.incidentOpen(inc.Incident) && !slices.Contains(out, inc) {
				out = append(out, inc)
			}
		}
	}
	look := func(key string) {
		add(d.byEntity[key])
		if d.keepLinks {
			d.probed = append(d.probed, key)
		}
	}
	d.probed = d.probed[:0]
	if host != "" {
		add(d.byEntity["host:"+host])
		d.entityLinks(host, a.FirstSeen, ents, look)
	}
	if u := groupUser(a.User); u != "" {
		add(d.byEntity["user:"+u])
	}
	slices.SortFunc(out, func(x, y *incident) int {
		return cmp.Or(x.FirstSeen.Compare(y.FirstSeen), cmp.Compare(x.ID, y.ID))
	})
	return out
}

// entityLinks hands look the index keys of the incidents linked to host at
// t by what reached it, by what it was reached from, and by artefacts.
// Shared infrastructure links nothing (SharedEntityHosts).
func (d *Deduper) entityLinks(host string, t time.Time, ents []Entity, look func(key string)) {
	g := d.graph
	// Sources: the alert's own, and those Observe saw within the window.
	if !shared(g.reached, host) {
		sources := near(g.reached, host, t, d.incidentWindow)
		for _, e := range ents {
			if e.Kind == EntitySource {
				sources = append(sources, g.resolve(e.Value))
			}
		}
		for _, src := range sources {
			if shared(g.reaches, src) {
				continue
			}
			look("host:" + src)                       // from an infected host
			look(Entity{EntityAddress, src}.String()) // from an address of one
			look(Entity{EntitySource, src}.String())  // from what reached one
		}
		// An incident's alerts named this host, or one of its addresses,
		// as reached.
		look(Entity{EntityTarget, host}.String())
		for _, addr := range g.hostAddr[host] {
			look(Entity{EntityTarget, addr}.String())
		}
	}
	// An incident's alerts named this host as what reached them: it now
	// raises alerts itself, so it was the way in.
	if !shared(g.reaches, host) {
		look(Entity{EntitySource, host}.String())
		for _, addr := range g.hostAddr[host] {
			look(Entity{EntitySource, addr}.String())
		}
	}
	arts := near(g.names, host, t, d.incidentWindow)
	for _, e := range ents {
		if e.Kind == EntityArtifact {
			arts = append(arts, e.Value)
		}
	}
	for _, art := range arts {
		if !shared(g.named, art) {
			look(Entity{EntityArtifact, art}.String())
		}
	}
}

// nearby reports whether inc is open and its span is within the incident
// window of t.
func (d *Deduper) nearby(inc *incident, t time.Time) bool {
	return d.incidentOpen(inc.Incident) && !t.Before(inc.FirstSeen.Add(-d.incidentWindow)) && !t.After(inc.LastSeen.Add(d.incidentWindow))
}

// merge moves everything of from into into: its alerts (re-pointed, and
// reported as changed), hosts, users, entities, span and title. from is
// left with MergedInto set, and forgotten once reported.
func (d *Deduper) merge(into, from *incident, at time.Time, ch *changes) {
	absorb(into.Incident, from.Incident, adders{
		host:   func(h string) bool { return d.addHost(into, h) },
		user:   func(u string) bool { return d.addUser(into, u) },
		entity: func(e string) bool { return d.addEntity(into, e) },
	})
	into.titleRank = max(into.titleRank, from.titleRank)
	for _, a := range from.alerts {
		d.join(into, a)
		ch.alert(a)
	}
	mergeNotes(into.Incident, from.Incident, at, mergeReason)
	from.alerts = nil
	from.Updated, into.Updated = d.newest, d.newest
	ch.incident(from)
	ch.incident(into)
	d.dropIncident(from)
}

// mergeReason is why the Deduper merges incidents, in its notes.
const mergeReason = "a new alert links them"

// touch brings inc up to date with its alert a, on short host name host,
// and the entities of a's latest event, and reports whether it changed.
// The title is the first alert's of the highest level.
func (d *Deduper) touch(inc *incident, a *Alert, host string, ents []Entity) bool {
	changed := false
	if a.FirstSeen.Before(inc.FirstSeen) {
		inc.FirstSeen, changed = a.FirstSeen, true
	}
	if a.LastSeen.After(inc.LastSeen) {
		inc.LastSeen, changed = a.LastSeen, true
	}
	if r := LevelRank(a.Level); r > inc.titleRank {
		inc.titleRank, inc.Level, inc.Title, changed = r, a.Level, a.RuleTitle, true
	}
	if a.Host != "" && d.addHost(inc, a.Host) {
		changed = true
	}
	if a.User != "" && d.addUser(inc, a.User) {
		changed = true
	}
	for _, e := range ents {
		if e.Kind == EntitySource || e.Kind == EntityTarget {
			e.Value = d.graph.resolve(e.Value)
		}
		if d.addEntity(inc, e.String()) {
			changed = true
		}
	}
	// The host's own addresses, so that links by address survive a restart.
	for _, addr := range d.graph.hostAddr[host] {
		if d.addEntity(inc, Entity{EntityAddress, addr}.String()) {
			changed = true
		}
	}
	if changed {
		inc.Updated = d.newest
	}
	return changed
}

func (d *Deduper) addHost(inc *incident, host string) bool {
	if containsFold(inc.Hosts, host) {
		return false
	}
	inc.Hosts = append(inc.Hosts, host)
	d.index(inc, "host:"+shortHost(host))
	return true
}

func (d *Deduper) addUser(inc *incident, user string) bool {
	if containsFold(inc.Users, user) {
		return false
	}
	inc.Users = append(inc.Users, user)
	if u := groupUser(user); u != "" {
		d.index(inc, "user:"+u)
	}
	return true
}

func (d *Deduper) addEntity(inc *incident, e string) bool {
	if len(inc.Entities) >= MaxIncidentEntities || slices.Contains(inc.Entities, e) {
		return false
	}
	inc.Entities = append(inc.Entities, e)
	d.index(inc, e)
	return true
}

func (d *Deduper) index(inc *incident, key string) {
	if !slices.Contains(d.byEntity[key], inc) {
		d.byEntity[key] = append(d.byEntity[key], inc)
	}
}

// keys lists every index key of inc.
func keys(inc *Incident) []string {
	out := slices.Clone(inc.Entities)
	for _, h := range inc.Hosts {
		out = append(out, "host:"+shortHost(h))
	}
	for _, u := range inc.Users {
		if g := groupUser(u); g != "" {
			out = append(out, "user:"+g)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
