package serve

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/detect"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/internal/wal"
)

// Commit cadence: the detector commits its position with the alerts it
// changed after this many records, or after this long, whichever comes first.
const (
	commitRecords = 1000
	commitEvery   = 200 * time.Millisecond
)

// Fields read for a detection's user, first present wins.
var userFields = []event.FieldID{event.Intern("User"), event.Intern("TargetUserName"), event.Intern("SubjectUserName")}

// detection is what the detector hands the deduper per match.
type detection = alert.Detection

// deduper is what the detector needs of *alert.Deduper.
type deduper interface {
	Add(det detection) ([]*alert.Alert, []*alert.Incident)
	Observe(s alert.Sighting)
	Restore(alerts []*alert.Alert, incidents []*alert.Incident)
}

// deriver turns matched events into alert and incident changes: the
// sequential step of detection, shared by the write-ahead log's detector
// (one deriver for the whole log) and the partition detector of a detect
// node (one deriver per claimed partition). It is not safe for concurrent
// use.
type deriver struct {
	log    *slog.Logger
	dedup  deduper
	corr   *correlate.Engine
	quiet  map[*sigma.Rule]bool // matches that raise no alert of their own
	counts *detectCounts
	// privacy takes the audit and ADT events the patient-data guardian
	// explains; nil: none.
	privacy *privacy.Live
}

// newDeriver returns a deriver over dedup and corr that counts in counts.
// Matches of rules that only feed a correlation raise no alert of their
// own.
func newDeriver(log *slog.Logger, dedup deduper, corr *correlate.Engine, rules []*sigma.Rule, counts *detectCounts) deriver {
	d := deriver{log: log, dedup: dedup, corr: corr, quiet: make(map[*sigma.Rule]bool, len(rules)), counts: counts}
	for _, r := range rules {
		d.quiet[r] = corr.Suppressed(r)
	}
	return d
}

// detectCounts are the detection counters a service reports.
type detectCounts struct {
	detections atomic.Int64 // rule and correlation detections
	byRule     ruleCounts   // the same, per rule id
	changed    atomic.Int64 // alert changes committed
	decodeErrs atomic.Int64 // records that did not decode (skipped)
}

// committed counts the alerts a commit changed and tells notify (when not
// nil) of each, once the commit has returned.
func (c *detectCounts) committed(alerts []*alert.Alert, notify func(*alert.Alert)) {
	c.changed.Add(int64(len(alerts)))
	if notify == nil {
		return
	}
	for _, a := range alerts {
		notify(a)
	}
}

// detector follows the write-ahead log from the store's position, runs the
// rules and correlations on each event, and commits the alerts it changes
// together with the position they cover, so that a restart resumes exactly
// where the last commit ended and re-derives the same alerts.
type detector struct {
	deriver
	detectCounts
	wal     *wal.Log
	store   alert.Store
	matcher *detect.Matcher

	processed *atomic.Uint64 // last record whose outcome is committed
	target    uint64         // the log's last record at start: ready once processed reaches it
	ready     atomic.Bool

	// notify is told of every alert once its commit has returned, so that
	// nothing a crash could take back is notified; nil: no one.
	notify func(*alert.Alert)
	// flowIn brings alerts raised outside the log (the flow watch); they
	// are committed with the next commit, at the position it covers, so
	// that the store keeps one writer.
	flowIn chan *alert.Alert
	// estate learns assets from the records, off the hot path; nil:
	// none.
	estate *estateOfferer
	// snap saves corr's windows after commits and says which records only
	// rebuild them at start (corrstate.go).
	snap *corrSnapshots
}

// walRec is a record copied out of the log's iterator.
type walRec struct {
	seq  uint64
	data []byte
}

// pending is what the detector has derived since its last commit.
type pending struct {
	last      uint64
	epoch     uint64 // the lease epoch of a partition's records (partdetect.go)
	records   int
	alerts    map[string]*alert.Alert
	incidents map[string]*alert.Incident
	extra     bool // alerts from outside the log wait in alerts
}

// changes copies out what p holds for a commit, so that the store never
// shares memory with the deriver, which may change the originals later.
func (p *pending) changes() ([]*alert.Alert, []*alert.Incident) {
	alerts := make([]*alert.Alert, 0, len(p.alerts))
	for _, a := range p.alerts {
		alerts = append(alerts, cloneAlert(a))
	}
	incidents := make([]*alert.Incident, 0, len(p.incidents))
	for _, in := range p.incidents {
		incidents = append(incidents, cloneIncident(in))
	}
	return alerts, incidents
}

func (p *pending) reset() {
	p.records = 0
	p.extra = false
	p.alerts = map[string]*alert.Alert{}
	p.incidents = map[string]*alert.Incident{}
}

// run processes the log until ctx is cancelled, then finishes the records it
// already read and commits them. Cancel ctx only once the listeners have
// stopped and the detector has caught up, to drain everything.
func (d *detector) run(ctx context.Context) error {
	recs := make(chan walRec, 1024)
	st := newMatchStage(d.matcher)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(recs)
		return d.read(gctx, recs)
	})
	g.Go(func() error {
		st.run(gctx, recs)
		return nil
	})
	g.Go(func() error { return d.loop(st) })
	return g.Wait()
}

// read feeds the records from the first one the correlation engine has not
// seen on: those up to the committed position are replayed, the rest
// processed.
func (d *detector) read(ctx context.Context, out chan<- walRec) error {
	for rec, err := range d.wal.Follow(ctx, d.snap.readFrom()) {
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("detector: read the write-ahead log: %w", err)
		}
		select {
		case out <- walRec{seq: rec.Seq, data: slices.Clone(rec.Data)}:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

func (d *detector) loop(st *matchStage) error {
	d.checkReady()
	tick := time.NewTicker(commitEvery)
	defer tick.Stop()
	var p pending
	p.reset()
	for {
		select {
		case b, ok := <-st.ordered:
			if !ok {
				return d.finish(&p)
			}
			<-b.done
			err := d.apply(b, &p)
			st.recycle(b)
			if err != nil {
				return err
			}
		case a := <-d.flowIn:
			p.alerts[a.ID] = a
			p.extra = true
		case <-tick.C:
			if err := d.commit(&p); err != nil {
				return err
			}
		}
	}
}

// apply takes a matched batch's records in log order: those only
// rebuilding the correlation windows are replayed, the rest processed,
// committing every commitRecords.
func (d *detector) apply(b *matchBatch, p *pending) error {
	for i, r := range b.recs {
		if r.seq <= d.snap.replayTo {
			d.replay(r.seq, &b.evs[i], b.bad[i], b.rules[i])
			continue
		}
		d.process(r.seq, &b.evs[i], b.bad[i], b.rules[i], b.ents[i], p)
		if d.estate != nil && b.bad[i] == nil {
			d.estate.offer(&b.evs[i], r.data)
		}
		d.snap.fed = r.seq
		if p.records >= commitRecords {
			if err := d.commit(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// process adds what one matched record changes to p.
func (d *deriver) process(seq uint64, ev *event.Event, bad error, matched []*sigma.Rule, ents []alert.Entity, p *pending) {
	p.last, p.records = seq, p.records+1
	if bad != nil {
		d.counts.decodeErrs.Add(1)
		d.log.Warn("detector: skipping a record that does not decode", "seq", seq, "err", bad)
		return
	}
	if d.privacy != nil {
		d.privacy.AddEvent(ev)
	}
	if len(matched) == 0 {
		if len(ents) > 0 { // logons and connections link later alerts
			d.dedup.Observe(alert.Sighting{Host: hostOf(ev), Time: ev.Time, Entities: ents})
		}
		return
	}
	host, user := hostOf(ev), userOf(ev) // both copy out of ev's arena
	record := ev.Record
	if record == 0 {
		record = seq // no EventRecordID: the log position identifies the event
	}
	for _, rule := range matched {
		if d.quiet[rule] {
			continue
		}
		d.add(p, detection{
			RuleID: ruleID(&rule.Meta), RuleTitle: rule.Title, Level: rule.Level, Tags: rule.Tags,
			Host: host, User: user, Time: ev.Time, Record: record, Event: ev.Map(), Entities: ents,
		})
	}
	for _, res := range d.corr.ObserveAll(ev, matched) {
		d.addCorrelation(p, res, host)
	}
}

func (d *deriver) addCorrelation(p *pending, res correlate.Result, host string) {
	if res.Suppressed {
		return // it only feeds another correlation
	}
	c := res.Correlation
	det := detection{
		RuleID: ruleID(&c.Meta), RuleTitle: c.Title, Level: c.Level, Tags: c.Tags,
		Host: host, Key: groupKey(res.GroupBy), Time: res.Time,
	}
	if h, ok := res.GroupBy["Computer"]; ok {
		det.Host = h
	}
	for _, e := range res.Events {
		det.CorrelationEvents = append(det.CorrelationEvents, e.Record)
	}
	if len(res.Events) > 0 {
		det.Record = res.Events[0].Record
	}
	d.add(p, det)
}

func (d *deriver) add(p *pending, det detection) {
	d.counts.detections.Add(1)
	d.counts.byRule.add(det.RuleID)
	alerts, incidents := d.dedup.Add(det)
	for _, a := range alerts {
		p.alerts[a.ID] = a
	}
	for _, in := range incidents {
		p.incidents[in.ID] = in
	}
}

// commit stores the changes since the last commit with the position they
// cover, in one atomic step.
func (d *detector) commit(p *pending) error {
	if p.records == 0 && !p.extra {
		return nil
	}
	pos := p.last
	if p.records == 0 { // only alerts from outside the log: the position stays
		pos = d.processed.Load()
	}
	alerts, incidents := p.changes()
	// Not the run's context: a commit that has begun during shutdown must
	// finish, or the drained records would be processed again.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.store.Commit(ctx, pos, alerts, incidents); err != nil {
		return fmt.Errorf("detector: commit alerts up to record %d: %w", pos, err)
	}
	d.processed.Store(pos)
	d.committed(alerts, d.notify)
	p.reset()
	d.checkReady()
	d.snapshot(false)
	return nil
}

// finish commits what is pending and saves the correlation state, at
// shutdown.
func (d *detector) finish(p *pending) error {
	if err := d.commit(p); err != nil {
		return err
	}
	d.snapshot(true)
	return nil
}

func (d *detector) checkReady() {
	if !d.ready.Load() && d.processed.Load() >= d.target {
		d.ready.Store(true)
		d.log.Info("detector caught up with the log", "position", d.processed.Load())
	}
}

// cloneAlert copies what the deduper may change later, so that the store
// never shares memory with the detector.
func cloneAlert(a *alert.Alert) *alert.Alert {
	c := *a
	c.Tags = slices.Clone(a.Tags)
	c.Records = slices.Clone(a.Records)
	return &c
}

func cloneIncident(in *alert.Incident) *alert.Incident {
	c := *in
	c.Hosts = slices.Clone(in.Hosts)
	c.Users = slices.Clone(in.Users)
	c.AlertIDs = slices.Clone(in.AlertIDs)
	return &c
}

// hostOf and userOf copy what they return: a decoded event's strings live
// in its arena, which the next record overwrites, and alerts keep them.
func hostOf(ev *event.Event) string {
	if ev.Host != "" {
		return strings.Clone(ev.Host)
	}
	h, _ := ev.Get(event.Computer)
	return strings.Clone(h)
}

func userOf(ev *event.Event) string {
	for _, id := range userFields {
		if u, ok := ev.Get(id); ok && u != "" && u != "-" {
			return strings.Clone(u)
		}
	}
	return ""
}

// ruleID is a rule's id, or its name or title when it has none.
func ruleID(m *sigma.Meta) string {
	switch {
	case m.ID != "":
		return m.ID
	case m.Name != "":
		return m.Name
	}
	return m.Title
}

// groupKey renders a correlation's group as "field=value" pairs in field
// order, so that the same group always gives the same key.
func groupKey(g map[string]string) string {
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + g[k])
	}
	return b.String()
}
