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
}

const (
	// MaxRecords caps Alert.Records; Count goes on counting.
	MaxRecords = 100
	// MaxIncidentAlerts caps Incident.AlertIDs, so that an incident that
	// never goes quiet stays bounded; Alert.IncidentID still names it.
	MaxIncidentAlerts = 1000
	// StatusOpen is the status of a new alert or incident.
	StatusOpen = "open"
)

// Deduper turns detections into alerts and incidents. It is not safe for
// concurrent use: the service's one detection loop owns it.
//
// An alert's window runs for window from its FirstSeen: a detection of the
// same rule, host (case-insensitively) and key within it increments its
// Count, and one after it starts a new alert. A late detection up to a
// window before FirstSeen joins it too, moving FirstSeen back. A new alert
// joins an incident linked to it by a correlation; else the open incident
// of its host, then of its user, whose span [FirstSeen, LastSeen] is within
// incidentWindow of the detection; else it starts an incident.
//
// Memory is bounded by the event rate, not by history. The newest event
// time seen is the clock: an alert whose window ended more than a window
// ago (FirstSeen+2*window <= newest) can no longer be joined; it is
// evicted on Add once it is also more than twice incidentWindow old (until
// then a correlation may still link to it). An incident whose LastSeen is
// more than twice incidentWindow old, with no alert still held, is evicted
// too. Events up to one window late
// thus still find their alert; later ones start a new one.
//
// IDs are derived from content (rule, host, key and first-seen time), and
// joining depends only on state that Restore rebuilds from the stored
// alerts and incidents, so a replay after a crash yields the IDs and counts
// the first run gave, and the store's upsert by ID keeps one copy of each.
type Deduper struct {
	window, incidentWindow time.Duration
	newest                 time.Time // the newest event time seen: the clock
	lastSweep              time.Time
	alerts                 map[alertKey][]*Alert // held, by FirstSeen
	incidents              map[string]*incident
	byHost, byUser         map[string][]*incident // lower-cased names
	byRecord               map[uint64][]*Alert
}

type alertKey struct{ rule, host, key string }

// incident is a held incident with what the Deduper needs beside it.
type incident struct {
	*Incident
	refs      int // held alerts that belong to it
	titleRank int // the level rank of the alert that gave the title
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
	d.alerts = map[alertKey][]*Alert{}
	d.incidents = map[string]*incident{}
	d.byHost = map[string][]*incident{}
	d.byUser = map[string][]*incident{}
	d.byRecord = map[uint64][]*Alert{}
}

// Add records det and returns the alerts and incidents it created or
// changed, as copies the caller owns (an Event map is shared and must not
// be modified), ready to be committed.
func (d *Deduper) Add(det Detection) (changedAlerts []*Alert, changedIncidents []*Incident) {
	if det.Time.After(d.newest) {
		d.newest = det.Time
	}
	d.sweep()
	a, created := d.alertFor(det)
	var inc *incident
	var changed bool
	if created {
		inc, changed = d.place(a, det.CorrelationEvents), true
	} else if inc = d.incidents[a.IncidentID]; inc != nil {
		changed = d.touch(inc, a)
	}
	changedAlerts = []*Alert{cloneAlert(a)}
	if changed {
		changedIncidents = []*Incident{cloneIncident(inc.Incident)}
	}
	return changedAlerts, changedIncidents
}

// alertFor finds the open alert det belongs to and counts det in it, or
// starts a new one.
func (d *Deduper) alertFor(det Detection) (a *Alert, created bool) {
	k := alertKey{det.RuleID, strings.ToLower(det.Host), det.Key}
	t := det.Time
	for _, a := range d.alerts[k] {
		if !d.alertOpen(a) {
			continue
		}
		// Windows of one key never overlap, so at most one alert either
		// holds t or starts less than a window after it.
		inWindow := !t.Before(a.FirstSeen) && t.Before(a.FirstSeen.Add(d.window))
		late := t.Before(a.FirstSeen) && t.After(a.FirstSeen.Add(-d.window))
		if inWindow || late {
			d.count(a, det)
			return a, false
		}
	}
	a = &Alert{
		ID:        alertID(k, t),
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
		Event:     det.Event,
	}
	d.addRecords(a, det)
	d.holdAlert(k, a)
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

// holdAlert keeps a in its key's list, which stays sorted by FirstSeen.
func (d *Deduper) holdAlert(k alertKey, a *Alert) {
	list := d.alerts[k]
	i, _ := slices.BinarySearchFunc(list, a.FirstSeen, func(x *Alert, t time.Time) int { return x.FirstSeen.Compare(t) })
	d.alerts[k] = slices.Insert(list, i, a)
}

// alertID hashes what makes an alert: its rule, host, key and first-seen
// time (to the nanosecond, which a replay reproduces exactly). Fields are
// length-prefixed so that no two different tuples hash alike.
func alertID(k alertKey, first time.Time) string {
	h := sha256.New()
	for _, s := range []string{k.rule, k.host, k.key} {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(first.UnixNano())))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// incidentID derives an incident's ID from its first alert's.
func incidentID(firstAlert string) string {
	sum := sha256.Sum256([]byte("incident\x00" + firstAlert))
	return hex.EncodeToString(sum[:16])
}

// alertOpen reports whether a can still be joined: its window ended less
// than a window before the newest event.
func (d *Deduper) alertOpen(a *Alert) bool {
	return d.newest.Before(a.FirstSeen.Add(2 * d.window))
}

// alertLinkable reports whether a correlation can still link to a: it was
// last seen within two incident windows of the newest event. Alerts are
// held this long even when closed to new detections.
func (d *Deduper) alertLinkable(a *Alert) bool {
	return d.newest.Before(a.LastSeen.Add(2 * d.incidentWindow))
}

// held reports whether a is kept in memory at all.
func (d *Deduper) held(a *Alert) bool { return d.alertOpen(a) || d.alertLinkable(a) }

// incidentOpen reports whether inc can still gain alerts by host or user.
func (d *Deduper) incidentOpen(inc *incident) bool {
	return d.newest.Before(inc.LastSeen.Add(2 * d.incidentWindow))
}

func cloneAlert(a *Alert) *Alert {
	c := *a
	c.Tags = slices.Clone(a.Tags)
	c.Records = slices.Clone(a.Records)
	return &c
}

func cloneIncident(inc *Incident) *Incident {
	c := *inc
	c.Hosts = slices.Clone(inc.Hosts)
	c.Users = slices.Clone(inc.Users)
	c.AlertIDs = slices.Clone(inc.AlertIDs)
	return &c
}
