package alert

import (
	"math"
	"slices"
	"time"
)

// MergeInto does to into and from what the Deduper does when a new alert
// links two open incidents, for a store that links incidents of
// different partitions: into takes from's alert ids (up to
// MaxIncidentAlerts), hosts, users, entities (up to MaxIncidentEntities)
// and links, the wider span, and the title and level of the higher
// level; each gets a "merged" note saying why, and from records
// MergedInto. into's Updated becomes the later of both. It reports false,
// changing nothing, when from is into or is already merged into it, so
// that a merge applied twice changes nothing.
func MergeInto(into, from *Incident, at time.Time, why string) bool {
	if from.ID == into.ID || from.MergedInto == into.ID {
		return false
	}
	absorb(into, from, plainAdders(into))
	into.Updated = later(into.Updated, from.Updated)
	mergeNotes(into, from, at, why)
	return true
}

// Absorb returns a copy of inc that also holds what stored holds and inc
// does not: alert ids, hosts, users, entities, links, span, the title of
// a higher level, and MergedInto. A detect node's commit passes through
// it, so that a node holding an older version of an incident (before
// another partition's incident was merged into it, or before it was
// merged into another) adds to the stored incident and never undoes
// the merge. inc and stored are not changed.
func Absorb(stored, inc *Incident) *Incident {
	out := cloneIncident(inc)
	absorb(out, stored, plainAdders(out))
	out.Updated = later(out.Updated, stored.Updated)
	if stored.MergedInto != "" {
		out.MergedInto = stored.MergedInto
	}
	return out
}

// adders add one host, user or entity to an incident, reporting whether
// it was new; the Deduper's also index it.
type adders struct {
	host, user, entity func(string) bool
}

// plainAdders add to inc without indexing.
func plainAdders(inc *Incident) adders {
	appendNew := func(list *[]string, v string, fold bool, max int) bool {
		if len(*list) >= max || (fold && containsFold(*list, v)) || (!fold && slices.Contains(*list, v)) {
			return false
		}
		*list = append(*list, v)
		return true
	}
	return adders{
		host:   func(h string) bool { return appendNew(&inc.Hosts, h, true, math.MaxInt) },
		user:   func(u string) bool { return appendNew(&inc.Users, u, true, math.MaxInt) },
		entity: func(e string) bool { return appendNew(&inc.Entities, e, false, MaxIncidentEntities) },
	}
}

// absorb adds from's alert ids (in their order: the held alerts' order
// is not repeatable after a restart), hosts, users, entities, links,
// span and title to into.
func absorb(into, from *Incident, add adders) {
	for _, id := range from.AlertIDs {
		if len(into.AlertIDs) < MaxIncidentAlerts && !slices.Contains(into.AlertIDs, id) {
			into.AlertIDs = append(into.AlertIDs, id)
		}
	}
	for _, h := range from.Hosts {
		add.host(h)
	}
	for _, u := range from.Users {
		add.user(u)
	}
	for _, e := range from.Entities {
		add.entity(e)
	}
	for _, k := range from.Links {
		if len(into.Links) < MaxIncidentEntities && !slices.Contains(into.Links, k) {
			into.Links = append(into.Links, k)
		}
	}
	if from.FirstSeen.Before(into.FirstSeen) {
		into.FirstSeen = from.FirstSeen
	}
	if from.LastSeen.After(into.LastSeen) {
		into.LastSeen = from.LastSeen
	}
	if LevelRank(from.Level) > LevelRank(into.Level) {
		into.Level, into.Title = from.Level, from.Title
	}
}

// mergeNotes writes the notes of from's merge into into, and marks from.
func mergeNotes(into, from *Incident, at time.Time, why string) {
	into.History = append(into.History, Note{At: at, By: ByVigil, Action: "merged", Text: "incident " + from.ID + " merged into this one: " + why})
	from.History = append(from.History, Note{At: at, By: ByVigil, Action: "merged", Text: "merged into incident " + into.ID})
	from.MergedInto = into.ID
}
