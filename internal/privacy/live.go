package privacy

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/wait"
)

// Live runs the analysis inside vigil serve: it takes audit and ADT events
// as the server stores them (*event.Event, as fhir.Access.ToEvent,
// atna.Message.ToEvent and hl7.ToEvent fill them), keeps them, and
// re-analyses on a schedule, so that Cases always answers from the last
// complete run. The analysis is a whole-log method (care teams and
// service departments are mined from every access kept), so each run
// starts afresh from what is kept; MaxAccesses bounds it. The care
// records are folded as they arrive into the facts the analysis reads
// (carestate.go), and once accesses have been dropped, the visits and
// appointments that can no longer explain an access kept are dropped
// too; each patient's identity is kept.
//
// Live is safe for concurrent use: events may be added while a run is in
// progress (they count in the next run).
type Live struct {
	opts Options
	log  *slog.Logger
	// MaxAccesses is how many audit events are kept: once an eighth more
	// have arrived, the oldest are dropped down to it (and counted in
	// Dropped), so that the copy is paid once per eighth; the care facts
	// that ended before the oldest access kept go with them (Stats).
	// Set before the first event.
	MaxAccesses int

	// running is held for a whole analysis, so that analyses run one at
	// a time and each result stored is of a later snapshot than the last:
	// a periodic run overlapping an asked-for one could otherwise finish
	// second and put back the older cases.
	running sync.Mutex
	// afterSnapshot, set by tests only, runs between an analysis's
	// snapshot of the inputs and its run.
	afterSnapshot func()
	mu            sync.Mutex
	staff         []Staff
	vip           []string
	reviews       []Review
	care          *Auditor     // ADT and SIU messages, folded in arrival order (newCareState)
	accesses      []liveAccess // audit events, in arrival order
	strs          liveStrings  // the strings accesses name
	dropped       uint64
	careDrop      careDropped // what dropCareBefore dropped, in all
	changed       bool
	save          *liveSave    // nil: cases are not saved
	saved         *SavedCases  // the cases saved before the start, until the first analysis
	decisions     *DecisionLog // nil before OpenState

	res atomic.Pointer[Result]
}

// DefaultMaxAccesses keeps about four and a half months of a medium
// trust's access log (a generated medium trust logs 1.1 million accesses
// a month, about 2 KB of FHIR JSON each at the source). An access kept
// takes about 38 bytes: its 32-byte liveAccess, the spare room of the
// slice it is appended to, and its share of the strings it names, each
// kept once (BenchmarkLiveMemory, on a generated medium trust's month:
// 42 MB for its 1.1 million accesses). The care records (ADT and SIU)
// are kept beside them as folded facts, 46 MB for that month (165 MB
// when Live kept the parsed messages), and are bounded by this too: once
// accesses are dropped, the visits, appointments and links that ended
// before the oldest access kept go (BenchmarkLiveSteady); what stays
// without bound is each patient's identity, about 750 bytes a patient.
const DefaultMaxAccesses = 5_000_000

// NewLive returns a Live analysis with the given options, logging to log
// (nil for none).
func NewLive(opts Options, log *slog.Logger) *Live {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Live{opts: opts, log: log, MaxAccesses: DefaultMaxAccesses, strs: newLiveStrings(), care: newCareState(opts)}
}

// SetRoster replaces the staff roster (reloaded from the HR export).
func (l *Live) SetRoster(staff []Staff) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.staff, l.changed = append([]Staff(nil), staff...), true
}

// SetWatchList replaces the VIP watch list (NHS numbers).
func (l *Live) SetWatchList(nhs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.vip, l.changed = append([]string(nil), nhs...), true
}

// AddReview records a break-glass review.
func (l *Live) AddReview(r Review) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reviews, l.changed = append(l.reviews, r), true
}

// dropAccesses drops the n oldest accesses (in arrival order) and then
// the care facts that ended before the oldest access kept. l.mu is held.
func (l *Live) dropAccesses(n int) {
	l.accesses, l.strs = compact(l.accesses, l.strs.names, n)
	l.dropped += uint64(n)
	if len(l.accesses) == 0 {
		return
	}
	oldest := l.accesses[0].t
	for i := range l.accesses {
		oldest = min(oldest, l.accesses[i].t)
	}
	d := l.care.dropCareBefore(oldest)
	l.careDrop.episodes += d.episodes
	l.careDrop.links += d.links
}

// Dropped is how many audit events were dropped for MaxAccesses.
func (l *Live) Dropped() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropped
}

// AddEvent takes one stored event and reports whether it was kept: an
// audit event (FHIR AuditEvent or DICOM/ATNA) naming a user, or an HL7
// ADT or SIU message (as hl7.ToEvent stores it, with the whole message)
// that gives a care record. Other events are ignored. ev is not kept: its
// values are copied.
func (l *Live) AddEvent(ev *event.Event) bool {
	src, ok := InputSource(ev.LogSource.Product, ev.LogSource.Service)
	switch {
	case !ok:
		return false
	case !src.Audit:
		cr, ok := l.careFromEvent(ev)
		if !ok {
			return false
		}
		l.mu.Lock()
		if err := cr.addTo(l.care); err != nil {
			l.care.AddInputError("adt")
		}
		l.changed = true
		l.mu.Unlock()
		return true
	default:
		ac := accessFromEvent(ev)
		if ac.UserID == "" && ac.UserName == "" {
			return false
		}
		f := factOf(&ac) // its strings are ev's, until they are interned
		l.mu.Lock()
		l.accesses, l.changed = append(l.accesses, l.strs.keep(f)), true
		if n := len(l.accesses) - l.MaxAccesses; l.MaxAccesses > 0 && n > l.MaxAccesses/8 {
			l.dropAccesses(n)
		}
		l.mu.Unlock()
		return true
	}
}

// Analyse runs the analysis now over everything kept, makes it the
// result Cases answers from, and returns it.
func (l *Live) Analyse() *Result {
	l.running.Lock()
	defer l.running.Unlock()
	a := New(l.opts)
	l.mu.Lock()
	for _, s := range l.staff {
		a.AddStaff(s)
	}
	a.importCare(l.care) // a copy: the care state changes as messages arrive
	vip, reviews := l.vip, l.reviews
	accs, names := l.accesses, l.strs.names
	l.changed = false
	l.mu.Unlock()
	if l.afterSnapshot != nil {
		l.afterSnapshot()
	}
	// The slices are only appended to (or replaced) under the lock, so the
	// prefixes taken above stay as they were while the run reads them.
	for i := range accs {
		a.addFact(accs[i].fact(names))
	}
	for _, n := range vip {
		a.AddVIP(n)
	}
	for _, r := range reviews {
		a.AddReview(r)
	}
	res := a.Run()
	l.res.Store(res)
	l.saveResult(res, time.Now().UTC())
	return res
}

// Run re-analyses every period while anything changed, until ctx is done.
// It returns ctx's error.
func (l *Live) Run(ctx context.Context, every time.Duration) error {
	wait.Every(ctx, every, func(context.Context) {
		l.mu.Lock()
		changed := l.changed
		l.mu.Unlock()
		if !changed {
			return
		}
		began := time.Now()
		res := l.Analyse()
		l.log.Info("privacy analysis", "accesses", res.Summary.Accesses, "explained", res.Summary.Explained,
			"cases", res.Summary.Cases, "took", time.Since(began).Round(time.Millisecond))
	})
	return ctx.Err()
}

// Result is the last complete analysis, or nil before the first.
func (l *Live) Result() *Result { return l.res.Load() }

// Cases returns the cases of the last complete analysis, ranked (before
// the first, those saved by the previous run, see SaveCases); none before
// any. The slice is the caller's.
func (l *Live) Cases() []Case {
	cases, _, _ := l.lastCases()
	return append([]Case{}, cases...)
}

// accessFromEvent rebuilds the normalised access from the fields that
// access.Access.AddFields and the format's ToEvent wrote. Its strings are
// ev's: Live keeps only what liveStrings copies.
func accessFromEvent(ev *event.Event) access.Access {
	ac := access.Access{Recorded: ev.Time, Source: ev.Host}
	get := func(name string) string { return first(ev, name) }
	all := func(name string) []string { return values(ev, name) }
	ac.ID = get("fhir.id")
	ac.Action = firstOf(get("fhir.action"), get("atna.action"))
	ac.Type = access.Coding{Code: firstOf(get("fhir.type"), get("atna.event_id"))}
	for _, c := range append(all("fhir.subtype"), all("atna.event_type")...) {
		ac.Subtypes = append(ac.Subtypes, access.Coding{Code: c})
	}
	ac.UserID, ac.UserName = get("user.id"), get("user.name")
	ac.UserRole = all("user.role")
	for _, id := range all("patient.id") {
		ac.PatientIDs = append(ac.PatientIDs, access.Identifier{Value: id})
	}
	ac.NHSNumber = get("patient.nhs_number")
	ac.PatientRefs = all("patient.reference")
	for _, p := range all("purpose_of_use") {
		ac.PurposeOfUse = append(ac.PurposeOfUse, access.Coding{Code: p})
	}
	ac.BreakGlass = get("breakglass") == "true"
	ac.Query = get("query")
	return ac
}

// careFromEvent reads the care facts of an HL7 event from the whole
// message it carries (hl7.FieldMessage), through the mapping the files
// go through, so that live and offline analyses read the same facts. An
// event without the message, or whose message gives no care record, is
// not kept.
func (l *Live) careFromEvent(ev *event.Event) (careRecord, bool) {
	raw, ok := ev.Get(hl7.FieldMessage)
	if !ok {
		return careRecord{}, false
	}
	m, err := hl7.Parse([]byte(raw)) // Parse copies: nothing of ev is kept
	if err != nil {
		l.log.Warn("privacy: an HL7 event's message does not parse", "host", ev.Host, "err", err)
		return careRecord{}, false
	}
	cr, err := careRecordOf(m)
	if err != nil {
		l.log.Warn("privacy: an HL7 message gives no care record", "control_id", m.ControlID(), "err", err)
	}
	return cr, err == nil && (cr.adt != nil || cr.appt != nil)
}

// liveFields are the fields Live reads, interned once.
var liveFields = func() map[string]event.FieldID {
	m := map[string]event.FieldID{}
	for _, n := range []string{"fhir.id", "fhir.action", "atna.action", "fhir.type", "atna.event_id", "fhir.subtype",
		"atna.event_type", "user.id", "user.name", "user.role", "patient.id", "patient.nhs_number", "patient.reference",
		"purpose_of_use", "breakglass", "query"} {
		m[n] = event.Intern(n)
	}
	return m
}()

// first returns the first value of the named field.
func first(ev *event.Event, name string) string {
	v, _ := ev.Get(liveFields[name])
	return v
}

// values returns every value of the named field.
func values(ev *event.Event, name string) []string {
	var out []string
	for i := ev.Index(liveFields[name]); i >= 0; i = ev.Next(i) {
		out = append(out, ev.Value(i))
	}
	return out
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
