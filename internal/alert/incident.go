package alert

import (
	"slices"
	"strings"
	"time"
)

// place puts the new alert a into an incident: the one a correlation links
// it to, else the open incident of its host, then of its user, near enough
// in time; else a new one.
func (d *Deduper) place(a *Alert, correlated []uint64) *incident {
	inc := d.linked(correlated)
	if inc == nil && a.Host != "" {
		inc = d.nearby(d.byHost[strings.ToLower(a.Host)], a.FirstSeen)
	}
	if u := groupUser(a.User); inc == nil && u != "" {
		inc = d.nearby(d.byUser[u], a.FirstSeen)
	}
	if inc == nil {
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
	}
	a.IncidentID = inc.ID
	inc.refs++
	if len(inc.AlertIDs) < MaxIncidentAlerts {
		inc.AlertIDs = append(inc.AlertIDs, a.ID)
	}
	d.touch(inc, a)
	return inc
}

// touch brings inc up to date with its alert a and reports whether it
// changed. The title is the first alert's of the highest level.
func (d *Deduper) touch(inc *incident, a *Alert) bool {
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
	if a.Host != "" && !containsFold(inc.Hosts, a.Host) {
		inc.Hosts, changed = append(inc.Hosts, a.Host), true
		d.indexHost(inc, a.Host)
	}
	if a.User != "" && !containsFold(inc.Users, a.User) {
		inc.Users, changed = append(inc.Users, a.User), true
		d.indexUser(inc, a.User)
	}
	return changed
}

// linked returns the incident of a recent alert raised on one of the
// records a correlation links: the most recent if there are several.
func (d *Deduper) linked(records []uint64) *incident {
	var best *incident
	for _, r := range records {
		for _, a := range d.byRecord[r] {
			if a.IncidentID == "" || !d.alertLinkable(a) {
				continue
			}
			if inc := d.incidents[a.IncidentID]; inc != nil && newer(inc, best) {
				best = inc
			}
		}
	}
	return best
}

// nearby returns the open incident of list whose span is within the
// incident window of t: the most recent if there are several.
func (d *Deduper) nearby(list []*incident, t time.Time) *incident {
	var best *incident
	for _, inc := range list {
		if !d.incidentOpen(inc) || t.Before(inc.FirstSeen.Add(-d.incidentWindow)) || t.After(inc.LastSeen.Add(d.incidentWindow)) {
			continue
		}
		if newer(inc, best) {
			best = inc
		}
	}
	return best
}

// newer orders candidates by LastSeen, then by ID, so that the choice
// depends on content only and a restored Deduper makes the same one.
func newer(inc, than *incident) bool {
	if than == nil {
		return true
	}
	if c := inc.LastSeen.Compare(than.LastSeen); c != 0 {
		return c > 0
	}
	return inc.ID < than.ID
}

func (d *Deduper) indexHost(inc *incident, host string) {
	h := strings.ToLower(host)
	if !slices.Contains(d.byHost[h], inc) {
		d.byHost[h] = append(d.byHost[h], inc)
	}
}

func (d *Deduper) indexUser(inc *incident, user string) {
	u := groupUser(user)
	if u != "" && !slices.Contains(d.byUser[u], inc) {
		d.byUser[u] = append(d.byUser[u], inc)
	}
}

// serviceAccounts are the built-in accounts that every host has: grouping
// by them would merge unrelated hosts' alerts into one incident.
var serviceAccounts = map[string]bool{
	"-": true, "system": true, "local service": true, "network service": true,
	"anonymous logon": true, "localsystem": true, "root": true,
}

// groupUser returns the name alerts are grouped by for user: lower-cased,
// without its domain, and "" for no user, built-in accounts and machine
// accounts (NAME$).
func groupUser(user string) string {
	u := strings.ToLower(strings.TrimSpace(user))
	if i := strings.LastIndexByte(u, '\\'); i >= 0 {
		u = u[i+1:]
	}
	if i := strings.IndexByte(u, '@'); i >= 0 {
		u = u[:i]
	}
	if u == "" || serviceAccounts[u] || strings.HasSuffix(u, "$") {
		return ""
	}
	return u
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
