package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/notify"
	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/wait"
)

// Sending bounds: one attempt, the attempts of a message whose server
// may recover, the first pause between them (doubling), and how long the
// queue is still sent from at shutdown.
const (
	guidanceSendTimeout = 30 * time.Second
	guidanceAttempts    = 3
	guidanceBackoff     = time.Second
	guidanceDrain       = 5 * time.Second
	guidanceNoteTimeout = 10 * time.Second
	guidanceRecent      = 4096 // alert ids remembered as already considered
)

// markGuidance is the action of the note an alert gets when guidance was
// sent about it.
const markGuidance = "guidance"

// Why a committed alert that fits a guidance topic gave no message; each
// is counted in vigil_guidance_skipped_total.
const (
	skipNotPerson   = "not_a_person"     // no user, or SYSTEM, a machine or a service account
	skipNotInDir    = "not_in_directory" // a person's account that the staff directory does not know
	skipNoAddress   = "no_address"       // in the directory without an email address
	skipRateLimited = "rate_limited"     // given guidance on the topic within the interval
	skipBelowLevel  = "below_level"      // the alert's level is under people.guidance.min_level
)

var skipReasons = []string{skipBelowLevel, skipNoAddress, skipNotInDir, skipNotPerson, skipRateLimited}

// guidance sends just-in-time guidance to the member of staff a committed
// alert names, off the detector's path. The detector only claims the
// message (in memory: the rate limit, then the template) and queues it;
// a worker sends it, the people store records it durably (a training
// touch, and the rate limit after a restart), and the alert's history
// gets a note. A full queue drops the message, never waits.
type guidance struct {
	guide  *people.Guide
	alerts alert.Store
	via    string
	log    *slog.Logger
	queue  chan people.Message
	seen   *recentIDs

	sent, failed, dropped atomic.Int64
	skipped               map[string]*atomic.Int64 // by reason; the map is not changed after newGuidance
}

func newGuidance(guide *people.Guide, alerts alert.Store, via string, queue int, log *slog.Logger) *guidance {
	if queue <= 0 {
		queue = DefaultGuidanceQueue
	}
	g := &guidance{guide: guide, alerts: alerts, via: via, log: log, queue: make(chan people.Message, queue),
		seen: newRecentIDs(guidanceRecent), skipped: map[string]*atomic.Int64{}}
	for _, r := range skipReasons {
		g.skipped[r] = new(atomic.Int64)
	}
	return g
}

// openGuidance sets up guidance when people.guidance.enabled is set and
// hooks it to the alerts the detector commits. It reads the templates
// (a bad one fails the start, naming the file), the secrets the section
// names with getenv, and the guidance already given, so that the rate
// limit carries on across restarts.
func (s *Service) openGuidance(getenv func(string) string) error {
	gc := s.cfg.People.Guidance
	if !gc.Enabled {
		return nil
	}
	tmpl, err := guidanceTemplates(gc.Templates)
	if err != nil {
		return err
	}
	send, err := gc.sender(s.cfg.Notify.SMTP, getenv)
	if err != nil {
		return err
	}
	// Without a directory yet, guidance is set up all the same and finds
	// no one until an import is taken in (watchPeople).
	dir := s.people.Directory()
	if dir == nil {
		s.log.Warn("people.guidance is enabled but no staff directory is imported: no guidance is sent until vigil people import --staff FILE",
			"taken_in_within", s.cfg.People.Reload)
	}
	log := s.log.With("component", "guidance")
	guide := people.NewGuide(dir, people.GuideOptions{Templates: tmpl, Sender: s.people.Recorder(retrying(send)),
		Interval: gc.Interval, MinLevel: gc.MinLevel, Log: log})
	guide.Restore(s.people.Touches())
	via := gc.Via
	if via == "" {
		via = viaEmail
	}
	s.guidance = newGuidance(guide, s.store, via, gc.Queue, log)
	next := s.det.notify
	s.det.notify = func(a *alert.Alert) {
		if next != nil {
			next(a)
		}
		s.guidance.offer(a)
	}
	log.Info("guidance on", "via", via, "staff", len(s.people.Imported().Staff))
	return nil
}

// guidanceTemplates loads the built-in templates with those of folder
// (when set) over them.
func guidanceTemplates(folder string) (*people.Templates, error) {
	if folder == "" {
		return people.DefaultTemplates(), nil
	}
	if _, err := os.Stat(folder); err != nil {
		return nil, fmt.Errorf("config key people.guidance.templates: %w", err)
	}
	t, err := people.LoadTemplates(os.DirFS(folder))
	if err != nil {
		return nil, fmt.Errorf("config key people.guidance.templates (%s): %w", folder, err)
	}
	return t, nil
}

// sender delivers guidance as the section says: email through the mail
// server, or a JSON POST to the webhook.
func (g *GuidanceConfig) sender(nsmtp *SMTPConfig, getenv func(string) string) (people.Sender, error) {
	if g.Via == viaWebhook {
		u, headers, err := g.Webhook.resolve("people.guidance.webhook", getenv)
		if err != nil {
			return nil, err
		}
		return people.SenderFunc(func(ctx context.Context, m people.Message) error {
			return notify.PostJSON(ctx, nil, u, headers, guidancePayload{Version: GuidanceWebhookVersion, Guidance: m})
		}), nil
	}
	cfg, err := g.mailServer(nsmtp, getenv)
	if err != nil {
		return nil, err
	}
	return people.SenderFunc(func(ctx context.Context, m people.Message) error {
		return notify.SendMail(ctx, cfg, notify.Mail{To: m.To, Subject: m.Subject, Body: m.Body})
	}), nil
}

// GuidanceWebhookVersion is the version of the guidance webhook's payload,
// {"version":1,"guidance":{staff_id, to, name, topic, subject, body,
// alert_id, at}}; it changes only when a field changes meaning or goes.
const GuidanceWebhookVersion = 1

type guidancePayload struct {
	Version  int            `json:"version"`
	Guidance people.Message `json:"guidance"`
}

// retrying sends through next, trying again after a failure that may pass
// (a refused connection, a 4xx SMTP reply, a 5xx answer), each attempt
// bounded by guidanceSendTimeout.
func retrying(next people.Sender) people.Sender {
	return people.SenderFunc(func(ctx context.Context, m people.Message) error {
		pause := guidanceBackoff
		for attempt := 1; ; attempt++ {
			actx, cancel := context.WithTimeout(ctx, guidanceSendTimeout)
			err := next.Send(actx, m)
			cancel()
			if err == nil || notify.IsPermanent(err) || attempt == guidanceAttempts {
				return err
			}
			if wait.Sleep(ctx, pause) != nil {
				return err
			}
			pause *= 2
		}
	})
}

// offer considers a committed alert: when it names a person in the staff
// directory and fits a guidance topic, the message is claimed and queued.
// It runs on the detector's path, so it never blocks: it reads memory
// only, and a full queue drops the message (counted) and gives its claim
// back. An alert is considered once, however often it is committed again.
func (g *guidance) offer(a *alert.Alert) {
	if _, ok := people.TopicFor(a.RuleTitle, a.Tags); !ok {
		return
	}
	if !g.seen.add(a.ID) {
		return
	}
	m, err := g.claim(a)
	if err != nil {
		g.skip(a, err)
		return
	}
	select {
	case g.queue <- m:
	default:
		g.guide.Release(m)
		g.seen.forget(a.ID)
		g.dropped.Add(1)
		g.log.Warn("guidance queue full: message dropped", "alert", a.ID, "staff_id", m.StaffID, "topic", m.Topic)
	}
}

// errNotPerson says that no user the alert names is a person.
var errNotPerson = errors.New("the alert names no person's account")

// claim claims the message for the first person the alert names that the
// directory knows.
func (g *guidance) claim(a *alert.Alert) (people.Message, error) {
	err := errNotPerson
	for _, u := range alertUsers(a) {
		if !isPersonAccount(u) {
			continue
		}
		f := people.Facts{AlertID: a.ID, RuleTitle: a.RuleTitle, Tags: a.Tags, Level: a.Level, User: u, Host: a.Host, Time: a.FirstSeen}
		var m people.Message
		if m, err = g.guide.Claim(f); !errors.Is(err, people.ErrNoPerson) {
			return m, err
		}
	}
	return people.Message{}, err
}

// skip counts why an alert gave no message.
func (g *guidance) skip(a *alert.Alert, err error) {
	reason := skipNotPerson
	switch {
	case errors.Is(err, people.ErrNoPerson):
		reason = skipNotInDir
	case errors.Is(err, people.ErrNoAddress):
		reason = skipNoAddress
	case errors.Is(err, people.ErrRateLimited):
		reason = skipRateLimited
	case errors.Is(err, people.ErrTooMinor):
		reason = skipBelowLevel
	case !errors.Is(err, errNotPerson): // a template failing on the alert's values
		g.failed.Add(1)
		g.log.Error("guidance not written", "alert", a.ID, "err", err)
		return
	}
	g.skipped[reason].Add(1)
	g.log.Debug("no guidance", "alert", a.ID, "reason", reason, "err", err)
}

// run sends the queued messages until ctx ends, then goes on for
// guidanceDrain with what is queued; the rest is dropped.
func (g *guidance) run(ctx context.Context) error {
	for {
		select {
		case m := <-g.queue:
			g.deliver(ctx, m)
		case <-ctx.Done():
			g.drain()
			return nil
		}
	}
}

func (g *guidance) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), guidanceDrain)
	defer cancel()
	for {
		select {
		case m := <-g.queue:
			if ctx.Err() != nil {
				g.dropped.Add(1)
				continue
			}
			g.deliver(ctx, m)
		default:
			return
		}
	}
}

// deliver sends one message (recorded in the people store by the
// Sender) and notes it on the alert.
func (g *guidance) deliver(ctx context.Context, m people.Message) {
	if err := g.guide.Deliver(ctx, m); err != nil {
		g.failed.Add(1)
		g.seen.forget(m.AlertID) // a later commit of the alert may try again
		g.log.Warn("guidance not sent", "alert", m.AlertID, "staff_id", m.StaffID, "topic", m.Topic, "err", err)
		return
	}
	g.sent.Add(1)
	nctx, cancel := context.WithTimeout(context.Background(), guidanceNoteTimeout)
	defer cancel()
	text := fmt.Sprintf("%s, sent to staff id %s by %s", m.Topic, m.StaffID, g.via) // the console shows "vigil: guidance: <text>"
	if _, err := g.alerts.UpdateAlert(nctx, m.AlertID, alert.Change{By: alert.ByVigil, At: m.At, Mark: &alert.Mark{Action: markGuidance, Text: text}}); err != nil {
		g.log.Warn("guidance sent but not noted on the alert", "alert", m.AlertID, "err", err)
	}
}

// metrics writes the guidance counts.
func (g *guidance) metrics(m metricWriter) {
	m.one("vigil_guidance_sent_total", "counter", "Guidance messages delivered to staff.", float64(g.sent.Load()))
	m.one("vigil_guidance_failed_total", "counter", "Guidance messages not delivered after their attempts.", float64(g.failed.Load()))
	m.one("vigil_guidance_dropped_total", "counter", "Guidance messages dropped because the send queue was full.", float64(g.dropped.Load()))
	m.one("vigil_guidance_queue_length", "gauge", "Guidance messages waiting to be sent.", float64(len(g.queue)))
	m.family("vigil_guidance_skipped_total", "counter", "Alerts fitting a guidance topic that gave no message, per reason.")
	for _, r := range skipReasons {
		m.sample("vigil_guidance_skipped_total", "reason", r, float64(g.skipped[r].Load()))
	}
}

// userFieldNames are the event fields that name a user account, most
// telling first: the account acted on (a logon's target), then the one
// acting.
var userFieldNames = []string{"TargetUserName", "User", "UserName", "UserPrincipalName", "AccountName", "SubjectUserName", "user.name", "user"}

// alertUsers lists the accounts an alert names, without repeats: its user,
// the user fields of its correlation's group ("TargetUserName=akhan"),
// then those of its event.
func alertUsers(a *alert.Alert) []string {
	var out []string
	add := func(u string) {
		u = strings.TrimSpace(u)
		for _, o := range out {
			if strings.EqualFold(o, u) {
				return
			}
		}
		if u != "" {
			out = append(out, u)
		}
	}
	add(a.User)
	for pair := range strings.SplitSeq(a.Key, ",") {
		if k, v, ok := strings.Cut(pair, "="); ok && isUserField(k) {
			add(v)
		}
	}
	for _, k := range userFieldNames {
		if v, ok := a.Event[k].(string); ok {
			add(v)
		}
	}
	return out
}

func isUserField(name string) bool {
	for _, f := range userFieldNames {
		if strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

// isPersonAccount reports whether an account may be a person's: not one
// that alert.IsPerson refuses (SYSTEM, machine accounts), and not named
// as a service account by the usual conventions (svc-pacs, sql_svc), as
// a service account is no one to send guidance to even when a directory
// lists it.
func isPersonAccount(user string) bool {
	if !alert.IsPerson(user) {
		return false
	}
	u := strings.ToLower(user)
	if i := strings.LastIndexByte(u, '\\'); i >= 0 {
		u = u[i+1:]
	}
	u, _, _ = strings.Cut(u, "@")
	for _, sep := range []string{"-", "_", "."} {
		if strings.HasPrefix(u, "svc"+sep) || strings.HasSuffix(u, sep+"svc") {
			return false
		}
	}
	return true
}

// recentIDs remembers the last n ids added: the alerts already
// considered. It is safe for concurrent use.
type recentIDs struct {
	mu   sync.Mutex
	set  map[string]struct{}
	ring []string
	next int
}

func newRecentIDs(n int) *recentIDs {
	return &recentIDs{set: make(map[string]struct{}, n), ring: make([]string, n)}
}

// add remembers id, forgetting the oldest past n; false when id was
// already remembered.
func (r *recentIDs) add(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.set[id]; ok {
		return false
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.set, old)
	}
	r.ring[r.next] = id
	r.next = (r.next + 1) % len(r.ring)
	r.set[id] = struct{}{}
	return true
}

// forget lets id be added again.
func (r *recentIDs) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.set, id)
}
