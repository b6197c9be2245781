package alert

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Detection is one rule match, as the service hands it to the Deduper.
type Detection struct {
	RuleID, RuleTitle, Level string
	Tags                     []string
	Host                     string
	// User is the account the event names (User, TargetUserName,
	// SubjectUserName...), as the service picked it; it may be empty.
	User string
	// Key is a correlation's group-by values, if any; "" otherwise.
	Key string
	// Time is the event's time. Windows run on event time, not on the
	// clock, so that replaying a log gives the alerts it gave live.
	Time time.Time
	// Record identifies the event (its EventRecordID or log position); 0
	// means none.
	Record uint64
	// Event is the matching event's fields. The first alert of a window
	// keeps it; the Deduper never modifies it, nor may the caller after Add.
	Event map[string]any
	// CorrelationEvents are the records of the events a correlation links.
	// They are kept as the alert's records and join the alert to the
	// incident of the alerts raised on those events.
	CorrelationEvents []uint64
	// Entities are the hosts, addresses and artefacts the event names
	// besides its own host; the Deduper normalises them and never keeps
	// the slice.
	Entities []Entity
}

const (
	// MaxRecords caps Alert.Records; Count goes on counting.
	MaxRecords = 100
	// MaxIncidentAlerts caps Incident.AlertIDs, so that an incident that
	// never goes quiet stays bounded; Alert.IncidentID still names it.
	MaxIncidentAlerts = 1000
	// MaxIncidentEntities caps Incident.Entities.
	MaxIncidentEntities = 200
)

// Deduper turns detections into alerts and incidents. It is not safe for
// concurrent use: the service's one detection loop owns it.
//
// Alerts: event time is cut into windows of fixed length, aligned to UTC
// (a 15-minute window runs from :00, :15, :30, :45). The detections of one
// rule, host (case-insensitively) and key in one window are one alert, with
// a count and the first and last times seen. Because a detection's window
// follows from its own time, the alerts do not depend on the order events
// arrive in: a backlog of older logs imported after newer ones joins the
// alerts of its windows, moving FirstSeen back. The price is that a burst
// across a window's boundary is two alerts.
//
// A window can be joined until the newest event time seen (the clock) is a
// window past its end; an event older than that is outside every open
// window and starts an alert of its own (which later events of its window
// join while it is fresh), never reopening a later one.
//
// Incidents: a new alert joins every open incident it is linked to, within
// incidentWindow of its time, and when it links several they merge into
// the oldest (the merged ones record MergedInto). Links, as an analyst
// follows an intrusion: a correlation over events of the incident's
// alerts; the same host; the same real user (see notPeople); a host or
// address that reached this alert's host (a logon, an inbound connection)
// and belongs to the incident, or reached a host of it too; the incident's
// alerts naming this alert's host as one they reached, or as what reached
// them (the way in, now raising alerts itself); and an artefact
// (the Group Policy object a logon script came from) named by both. What
// reached the host is what the alert's own event names and what Observe
// saw in the window. Shared infrastructure does not link: see
// SharedEntityHosts.
//
// Memory is bounded by the event rate, not by history. Alerts and
// incidents that can no longer be joined or linked are evicted on Add, and
// so is what Observe saw more than two incident windows ago.
//
// IDs are derived from content (rule, host, key and first-seen time), and
// joining depends only on state that Restore rebuilds from the stored
// alerts and incidents, so a replay after a crash yields the IDs and counts
// the first run gave, and the store's upsert by ID keeps one copy of each.
// Links learnt from Observe are the exception: those seen before the last
// commit are forgotten by a restart, so the replay may group what they
// would have linked into separate incidents.
type Deduper struct {
	window, incidentWindow time.Duration
	newest                 time.Time // the newest detection time seen: the clock
	lastSweep              time.Time
	alerts                 map[bucketKey]*Alert
	incidents              map[string]*incident
	byEntity               map[string][]*incident // "host:", "user:" and Entity strings
	byRecord               map[uint64][]*Alert
	graph                  *graph
	scratch                []Entity
	// keepLinks makes placing an alert record, in its incident's Links,
	// the keys it looked other incidents up by (KeepLinks); probed holds
	// them meanwhile.
	keepLinks bool
	probed    []string
}

// bucketKey is what makes one alert: rule, lower-cased host, key and the
// start of the window.
type bucketKey struct {
	rule, host, key string
	start           int64
}

// incident is a held incident with what the Deduper needs beside it.
type incident struct {
	*Incident
	alerts    []*Alert // held alerts that belong to it
	titleRank int      // the level rank of the alert that gave the title
}

// NewDeduper returns a Deduper that merges detections within window into
// one alert and groups alerts within incidentWindow into incidents.
// Non-positive durations are taken as one second, so that windows exist.
func NewDeduper(window time.Duration, incidentWindow time.Duration) *Deduper {
	d := &Deduper{window: max(window, time.Second), incidentWindow: max(incidentWindow, time.Second)}
	d.reset()
	return d
}

func (d *Deduper) reset() {
	d.newest, d.lastSweep = time.Time{}, time.Time{}
	d.alerts = map[bucketKey]*Alert{}
	d.incidents = map[string]*incident{}
	d.byEntity = map[string][]*incident{}
	d.byRecord = map[uint64][]*Alert{}
	d.graph = newGraph()
}

// Observe records what an event that raised no alert names: which hosts
// reached which, hosts' own addresses, artefacts. It changes no alert or
// incident; later alerts are linked by it.
func (d *Deduper) Observe(s Sighting) {
	host := shortHost(s.Host)
	if host == "" || len(s.Entities) == 0 {
		return
	}
	d.graph.observe(host, s.Time, d.normalise(host, s.Entities))
	d.graph.prune(2 * d.incidentWindow) // sightings may come for hours without a detection
}

// normalise returns the normal forms of es in d.scratch, which the next
// call reuses.
func (d *Deduper) normalise(host string, es []Entity) []Entity {
	out := d.scratch[:0]
	for _, e := range es {
		if n, ok := normEntity(e, host); ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	d.scratch = out
	return out
}

// Add records det and returns the alerts and incidents it created or
// changed, ready to be committed: alerts as copies the caller owns (an
// Event map is shared and must not be modified), incidents as copies whose
// slices (Hosts, Users, AlertIDs, Entities, History) the caller may read
// and append to but must not modify in place.
func (d *Deduper) Add(det Detection) (changedAlerts []*Alert, changedIncidents []*Incident) {
	if det.Time.After(d.newest) {
		d.newest = det.Time
	}
	d.sweep()
	host := shortHost(det.Host)
	ents := d.normalise(host, det.Entities)
	if host != "" {
		d.graph.observe(host, det.Time, ents)
	}
	a, created := d.alertFor(det)
	var ch changes
	ch.alerts, ch.incidents = ch.abuf[:0], ch.ibuf[:0]
	ch.alert(a) // first: callers take the first alert as det's
	if created {
		d.place(a, det.CorrelationEvents, host, ents, &ch)
	} else if inc := d.incidents[a.IncidentID]; inc != nil {
		if d.touch(inc, a, host, ents) {
			ch.incident(inc)
		}
	}
	return ch.out()
}

// alertFor finds the alert of det's window and counts det in it, or
// starts a new one.
func (d *Deduper) alertFor(det Detection) (a *Alert, created bool) {
	t := det.Time
	k := bucketKey{det.RuleID, strings.ToLower(det.Host), det.Key, t.Truncate(d.window).UnixNano()}
	if a = d.alerts[k]; a != nil {
		d.count(a, det)
		return a, false
	}
	// An alert of a window that closed (an import of old events) gets the
	// clock in its ID: its window's first alert may have been evicted and
	// must not be overwritten by one with the same first event.
	var clock time.Time
	if !d.newest.Before(t.Truncate(d.window).Add(2 * d.window)) {
		clock = d.newest
	}
	a = &Alert{
		ID:        alertID(k, t, clock),
		RuleID:    det.RuleID,
		RuleTitle: det.RuleTitle,
		Level:     det.Level,
		Tags:      slices.Clone(det.Tags),
		Host:      det.Host,
		User:      det.User,
		Key:       det.Key,
		Count:     1,
		FirstSeen: t,
		LastSeen:  t,
		Status:    StatusOpen,
		Updated:   d.newest,
		Event:     det.Event,
	}
	d.addRecords(a, det)
	d.alerts[k] = a
	return a, true
}

// count adds det to a.
func (d *Deduper) count(a *Alert, det Detection) {
	a.Count++
	if det.Time.Before(a.FirstSeen) {
		a.FirstSeen = det.Time
	}
	if det.Time.After(a.LastSeen) {
		a.LastSeen = det.Time
	}
	if a.User == "" {
		a.User = det.User
	}
	a.Updated = d.newest
	d.addRecords(a, det)
}

func (d *Deduper) addRecords(a *Alert, det Detection) {
	add := func(r uint64) {
		if len(a.Records) >= MaxRecords || slices.Contains(a.Records, r) {
			return
		}
		a.Records = append(a.Records, r)
		d.byRecord[r] = append(d.byRecord[r], a)
	}
	if det.Record != 0 {
		add(det.Record)
	}
	for _, r := range det.CorrelationEvents {
		add(r)
	}
}

// alertID hashes what makes an alert: its rule, host, key and first-seen
// time (to the nanosecond, which a replay reproduces exactly), and the
// clock for an alert of a closed window. Fields are length-prefixed so
// that no two different tuples hash alike.
func alertID(k bucketKey, first, clock time.Time) string {
	h := sha256.New()
	for _, s := range []string{k.rule, k.host, k.key} {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(first.UnixNano())))
	if !clock.IsZero() {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(clock.UnixNano())))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// incidentID derives an incident's ID from its first alert's.
func incidentID(firstAlert string) string {
	sum := sha256.Sum256([]byte("incident\x00" + firstAlert))
	return hex.EncodeToString(sum[:16])
}

// alertOpen reports whether a can still be joined: the clock is less than
// a window past the end of its window, or past its last change (an alert
// of imported old events stays open while the import goes on).
func (d *Deduper) alertOpen(a *Alert) bool {
	end := a.FirstSeen.Truncate(d.window).Add(d.window)
	return d.newest.Before(later(end, a.Updated).Add(d.window))
}

// alertLinkable reports whether a correlation can still link to a: it was
// last seen or changed within two incident windows of the clock. Alerts
// are held this long even when closed to new detections.
func (d *Deduper) alertLinkable(a *Alert) bool {
	return d.newest.Before(later(a.LastSeen, a.Updated).Add(2 * d.incidentWindow))
}

// held reports whether a is kept in memory at all.
func (d *Deduper) held(a *Alert) bool { return d.alertOpen(a) || d.alertLinkable(a) }

// incidentOpen reports whether inc can still gain alerts.
func (d *Deduper) incidentOpen(inc *Incident) bool {
	return inc.MergedInto == "" && d.newest.Before(later(inc.LastSeen, inc.Updated).Add(2*d.incidentWindow))
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func cloneAlert(a *Alert) *Alert {
	c := *a
	c.Tags = slices.Clone(a.Tags)
	c.Records = slices.Clone(a.Records)
	c.History = slices.Clone(a.History)
	return &c
}

func cloneIncident(inc *Incident) *Incident {
	c := *inc
	c.Hosts = slices.Clone(inc.Hosts)
	c.Users = slices.Clone(inc.Users)
	c.AlertIDs = slices.Clone(inc.AlertIDs)
	c.Entities = slices.Clone(inc.Entities)
	c.History = slices.Clone(inc.History)
	c.Links = slices.Clone(inc.Links)
	return &c
}

// changes collects what one Add changed, each item once, in order. Most
// Adds change one alert and one incident: the buffers hold those without
// allocating.
type changes struct {
	alerts    []*Alert
	incidents []*incident
	abuf      [1]*Alert
	ibuf      [1]*incident
}

func (c *changes) alert(a *Alert) {
	if !slices.Contains(c.alerts, a) {
		c.alerts = append(c.alerts, a)
	}
}

func (c *changes) incident(inc *incident) {
	if !slices.Contains(c.incidents, inc) {
		c.incidents = append(c.incidents, inc)
	}
}

func (c *changes) out() ([]*Alert, []*Incident) {
	as := make([]*Alert, len(c.alerts))
	for i, a := range c.alerts {
		as[i] = cloneAlert(a)
	}
	var is []*Incident
	for _, inc := range c.incidents {
		is = append(is, shareIncident(inc.Incident))
	}
	return as, is
}

// shareIncident copies inc for a caller, sharing its slices' arrays: the
// Deduper only ever appends to them, and each shared slice's capacity ends
// at its length, so an append by either side copies first. An incident that
// has grown to a thousand alerts is thus not copied on every detection.
func shareIncident(inc *Incident) *Incident {
	c := *inc
	c.Hosts = inc.Hosts[:len(inc.Hosts):len(inc.Hosts)]
	c.Users = inc.Users[:len(inc.Users):len(inc.Users)]
	c.AlertIDs = inc.AlertIDs[:len(inc.AlertIDs):len(inc.AlertIDs)]
	c.Entities = inc.Entities[:len(inc.Entities):len(inc.Entities)]
	c.History = inc.History[:len(inc.History):len(inc.History)]
	c.Links = inc.Links[:len(inc.Links):len(inc.Links)]
	return &c
}
