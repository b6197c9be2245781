package alert

import (
	"slices"
	"time"
)

// SharedEntityHosts is how many distinct hosts an entity may be linked
// with, within twice the incident window, before it no longer links
// alerts. The domain controller, DNS servers, proxies, file and
// management servers are reached by (or reach) almost every host; were
// they to link, every incident would merge into one. An intruder's foothold
// reaches a few hosts; a host reached from more than this many, or
// reaching more than this many, is infrastructure, and so is an artefact
// named by more hosts than this. The cost: a worm that reaches more hosts
// than this within the window stops being followed by its connections
// (its hosts still group by user and by correlation).
const SharedEntityHosts = 10

// graph is what the Deduper has seen of hosts reaching one another, of
// hosts' own addresses, and of the artefacts hosts' events name, with the
// event time each was last seen. It lives in memory only: after a restart
// the replayed events teach it again, and incidents keep, in their
// Entities, what their own alerts named.
type graph struct {
	newest   time.Time         // the newest time seen, by detection or sighting
	pruned   time.Time         // newest at the last prune
	addrHost map[string]string // address -> short host name, latest wins
	hostAddr map[string][]string
	reached  map[string]map[string]time.Time // host -> who reached it
	reaches  map[string]map[string]time.Time // who -> hosts it reached
	named    map[string]map[string]time.Time // artefact -> hosts naming it
	names    map[string]map[string]time.Time // host -> artefacts it named
}

func newGraph() *graph {
	return &graph{
		addrHost: map[string]string{}, hostAddr: map[string][]string{},
		reached: map[string]map[string]time.Time{}, reaches: map[string]map[string]time.Time{},
		named: map[string]map[string]time.Time{}, names: map[string]map[string]time.Time{},
	}
}

// observe records what host's event at t names; entities are normalised.
func (g *graph) observe(host string, t time.Time, entities []Entity) {
	if t.After(g.newest) {
		g.newest = t
	}
	for _, e := range entities {
		switch e.Kind {
		case EntityAddress:
			g.learn(e.Value, host)
		case EntitySource:
			g.edge(g.resolve(e.Value), host, t)
		case EntityTarget:
			g.edge(host, g.resolve(e.Value), t)
		case EntityArtifact:
			stamp(g.named, e.Value, host, t)
			stamp(g.names, host, e.Value, t)
		}
	}
}

// learn records that addr is host's; an address given to another host
// (DHCP) moves.
func (g *graph) learn(addr, host string) {
	old, ok := g.addrHost[addr]
	if ok && old == host {
		return
	}
	if ok {
		g.hostAddr[old] = slices.DeleteFunc(g.hostAddr[old], func(a string) bool { return a == addr })
	}
	g.addrHost[addr] = host
	g.hostAddr[host] = append(g.hostAddr[host], addr)
}

func (g *graph) edge(from, to string, t time.Time) {
	if from == to {
		return
	}
	stamp(g.reached, to, from, t)
	stamp(g.reaches, from, to, t)
}

// stamp sets m[a][b] to t if later. An inner map stops growing past
// SharedEntityHosts+1 entries: beyond that it only says "shared", so
// memory stays bounded by the number of entities, not their contacts.
func stamp(m map[string]map[string]time.Time, a, b string, t time.Time) {
	in := m[a]
	if in == nil {
		in = map[string]time.Time{}
		m[a] = in
	}
	old, ok := in[b]
	if !ok && len(in) > SharedEntityHosts {
		return
	}
	if !ok || t.After(old) {
		in[b] = t
	}
}

// resolve is the host an address belongs to, if known; else v itself.
func (g *graph) resolve(v string) string {
	if h, ok := g.addrHost[v]; ok {
		return h
	}
	return v
}

func shared(m map[string]map[string]time.Time, k string) bool { return len(m[k]) > SharedEntityHosts }

// near lists the keys of m[k] seen within window of t.
func near(m map[string]map[string]time.Time, k string, t time.Time, window time.Duration) []string {
	var out []string
	for v, at := range m[k] {
		if !at.Before(t.Add(-window)) && !at.After(t.Add(window)) {
			out = append(out, v)
		}
	}
	slices.Sort(out) // map order must not decide anything
	return out
}

// prune forgets what is older than keep before the newest time seen. It
// runs at most once per half of keep of event time, so that its scan
// costs little per sighting.
func (g *graph) prune(keep time.Duration) {
	if g.newest.Sub(g.pruned) < keep/2 {
		return
	}
	g.pruned = g.newest
	cut := g.newest.Add(-keep)
	for _, m := range []map[string]map[string]time.Time{g.reached, g.reaches, g.named, g.names} {
		for k, in := range m {
			for v, at := range in {
				if at.Before(cut) {
					delete(in, v)
				}
			}
			if len(in) == 0 {
				delete(m, k)
			}
		}
	}
}
