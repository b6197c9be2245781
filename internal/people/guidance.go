package people

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
)

// Facts are what guidance needs to know about an alert.
type Facts struct {
	AlertID   string
	RuleTitle string
	Tags      []string
	Level     string
	User      string // as the log wrote it: UPN, DOMAIN\name, account or staff id
	Host      string
	Time      time.Time
}

// Message is one piece of guidance addressed to a person.
type Message struct {
	StaffID string    `json:"staff_id"`
	To      string    `json:"to"` // email address
	Name    string    `json:"name"`
	Topic   Topic     `json:"topic"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	AlertID string    `json:"alert_id,omitempty"`
	At      time.Time `json:"at"` // when it was given

	claim claim // the slot Claim took, for Release
}

// Touch records that a person was given guidance: a training touch, which
// the training figures count as guidance received.
type Touch struct {
	StaffID string    `json:"staff_id"`
	Topic   Topic     `json:"topic"`
	At      time.Time `json:"at"`
	AlertID string    `json:"alert_id,omitempty"`
}

// Why no guidance was given; Guide.Advise wraps these with the details.
var (
	ErrNoTopic     = errors.New("no guidance topic fits the alert")
	ErrTooMinor    = errors.New("alert level below the guidance threshold")
	ErrNoPerson    = errors.New("no person found in the staff directory")
	ErrNoAddress   = errors.New("person has no email address")
	ErrRateLimited = errors.New("guidance on this topic already given within the interval")
)

// Sender delivers a message (by email or webhook); the service supplies
// it. An error means the message was not delivered.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SenderFunc adapts a function to a Sender.
type SenderFunc func(ctx context.Context, m Message) error

// Send calls f(ctx, m).
func (f SenderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

// DefaultGuidanceInterval is how long after guidance on a topic a person
// gets none on the same topic again.
const DefaultGuidanceInterval = 7 * 24 * time.Hour

// GuideOptions tune a Guide; zero values take the defaults.
type GuideOptions struct {
	Templates *Templates       // default DefaultTemplates()
	Sender    Sender           // nil: messages are returned and recorded, not sent
	Interval  time.Duration    // per person and topic; default DefaultGuidanceInterval
	MinLevel  string           // lowest alert level that gets guidance; default "medium"
	Now       func() time.Time // default time.Now
	Location  *time.Location   // for the time written in messages; default time.Local
	Log       *slog.Logger     // nil logs nothing
}

// Guide turns alerts that name a person into short, blame-free guidance
// for that person, at most one per topic per interval, and records each
// as a training touch. It is safe for concurrent use.
type Guide struct {
	dir  atomic.Pointer[Directory] // swapped whole by SetDirectory
	opts GuideOptions

	mu      sync.Mutex
	last    map[touchKey]time.Time // when the slot was last taken
	holder  map[touchKey]uint64    // the claim that took it, while it may be released
	claims  uint64                 // claims made: numbers them
	touches []Touch
}

type touchKey struct {
	staffID string
	topic   Topic
}

// NewGuide returns a Guide over a staff directory; with a nil one it
// finds no one (ErrNoPerson) until SetDirectory gives it one.
func NewGuide(dir *Directory, opts GuideOptions) *Guide {
	if opts.Templates == nil {
		opts.Templates = DefaultTemplates()
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultGuidanceInterval
	}
	if opts.MinLevel == "" {
		opts.MinLevel = "medium"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	g := &Guide{opts: opts, last: map[touchKey]time.Time{}, holder: map[touchKey]uint64{}}
	g.dir.Store(dir)
	return g
}

// SetDirectory makes dir the directory the Guide finds people in, from
// the next alert on, as a new staff import is taken in while the service
// runs. The rate limit and the touches carry on: they are kept by staff
// id, which an import keeps.
func (g *Guide) SetDirectory(dir *Directory) { g.dir.Store(dir) }

// Advise gives guidance on an alert: it picks the topic, finds the person
// the alert names, renders the topic's template, sends it (when a Sender
// is set) and records the touch. When no message is given it says why,
// with an error wrapping ErrNoTopic, ErrTooMinor, ErrNoPerson,
// ErrNoAddress or ErrRateLimited, or the Sender's error. It is Claim and
// Deliver in one step.
func (g *Guide) Advise(ctx context.Context, f Facts) (Message, error) {
	m, err := g.Claim(f)
	if err != nil {
		return Message{}, err
	}
	if err := g.Deliver(ctx, m); err != nil {
		return Message{}, err
	}
	return m, nil
}

// Claim decides whether an alert gets guidance and, when it does, holds
// the person's slot for the topic from now and renders the message
// without sending it, so that a caller can queue the sending away from
// the alert's path while a repeat of the alert is already refused. Pass
// the message to Deliver, or to Release when it will not be sent. The
// errors are Advise's.
func (g *Guide) Claim(f Facts) (Message, error) {
	p, topic, err := g.match(f)
	if err != nil {
		return Message{}, err
	}
	now := g.opts.Now()
	key := touchKey{p.ID, topic}
	c, err := g.reserve(key, now)
	if err != nil {
		return Message{}, err
	}
	m, err := g.render(f, p, topic, now)
	if err != nil {
		g.release(key, c)
		return Message{}, err
	}
	m.claim = c
	return m, nil
}

// Deliver sends a claimed message through the Sender (when one is set)
// and records the touch. When sending fails the claim is released, so
// that a later alert may try again, and the error names the alert and
// the person.
func (g *Guide) Deliver(ctx context.Context, m Message) error {
	if g.opts.Sender != nil {
		if err := g.opts.Sender.Send(ctx, m); err != nil {
			g.Release(m)
			return fmt.Errorf("guidance for alert %s to %s: send: %w", m.AlertID, m.StaffID, err)
		}
	}
	g.record(m)
	g.opts.Log.Info("guidance given", "alert", m.AlertID, "staff_id", m.StaffID, "topic", m.Topic)
	return nil
}

// Release gives back the slot a claimed message holds, when it will not
// be sent (its queue was full, its sending failed): the person may get
// guidance on the topic at the next alert. A slot claimed again since is
// left alone.
func (g *Guide) Release(m Message) {
	g.release(touchKey{m.StaffID, m.Topic}, m.claim)
}

// match finds the topic and the person of an alert, or says why it gets
// no guidance.
func (g *Guide) match(f Facts) (Person, Topic, error) {
	topic, ok := TopicFor(f.RuleTitle, f.Tags)
	if !ok {
		return Person{}, "", fmt.Errorf("alert %s (%q): %w", f.AlertID, f.RuleTitle, ErrNoTopic)
	}
	if levelRank(f.Level) < levelRank(g.opts.MinLevel) {
		return Person{}, "", fmt.Errorf("alert %s: level %q below %q: %w", f.AlertID, f.Level, g.opts.MinLevel, ErrTooMinor)
	}
	dir := g.dir.Load()
	if dir == nil {
		return Person{}, "", fmt.Errorf("alert %s: user %q: no staff directory imported: %w", f.AlertID, f.User, ErrNoPerson)
	}
	p, ok := dir.Lookup(f.User)
	if !ok {
		return Person{}, "", fmt.Errorf("alert %s: user %q: %w", f.AlertID, f.User, ErrNoPerson)
	}
	if p.Email == "" {
		return Person{}, "", fmt.Errorf("alert %s: staff id %s: %w", f.AlertID, p.ID, ErrNoAddress)
	}
	return p, topic, nil
}

// render writes the message for person p on topic, given at now.
func (g *Guide) render(f Facts, p Person, topic Topic, now time.Time) (Message, error) {
	when := f.Time
	if when.IsZero() {
		when = now
	}
	d := GuidanceData{
		FirstName: oneLine(firstName(p.Name)), Name: oneLine(p.Name), Topic: topic,
		RuleTitle: oneLine(f.RuleTitle), Level: oneLine(f.Level), Host: oneLine(f.Host),
		When: writtenTime(when.In(g.opts.Location)),
	}
	subject, body, err := g.opts.Templates.Render(topic, d)
	if err != nil {
		return Message{}, fmt.Errorf("alert %s: guidance template %s: %w", f.AlertID, topic, err)
	}
	return Message{StaffID: p.ID, To: p.Email, Name: p.Name, Topic: topic, Subject: subject, Body: body, AlertID: f.AlertID, At: now}, nil
}

// claim is one hold on a person's slot for a topic: its number, and the
// time of the hold it replaced (zero: none), which a release restores.
type claim struct {
	n    uint64
	prev time.Time
}

// reserve claims the person's slot for a topic at now, or says when the
// next one is due.
func (g *Guide) reserve(k touchKey, now time.Time) (claim, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	prev, had := g.last[k]
	if had && now.Sub(prev) < g.opts.Interval {
		return claim{}, fmt.Errorf("staff id %s, topic %s: last given %s, next from %s: %w",
			k.staffID, k.topic, prev.Format(time.RFC3339), prev.Add(g.opts.Interval).Format(time.RFC3339), ErrRateLimited)
	}
	g.claims++
	c := claim{n: g.claims, prev: prev}
	g.last[k], g.holder[k] = now, c.n
	return c, nil
}

// release gives back claim c, restoring the time it replaced, unless the
// slot was claimed again since (or restored from the store).
func (g *Guide) release(k touchKey, c claim) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c.n == 0 || g.holder[k] != c.n {
		return
	}
	delete(g.holder, k)
	if c.prev.IsZero() {
		delete(g.last, k)
		return
	}
	g.last[k] = c.prev
}

// record keeps the touch of a delivered message; its claim can no
// longer be released.
func (g *Guide) record(m Message) {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := touchKey{m.StaffID, m.Topic}
	if g.holder[k] == m.claim.n {
		delete(g.holder, k)
	}
	g.touches = append(g.touches, Touch{StaffID: m.StaffID, Topic: m.Topic, At: m.At, AlertID: m.AlertID})
}

// Touches returns every touch recorded, oldest first, for the training
// figures and for the service to store.
func (g *Guide) Touches() []Touch {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.touches)
}

// Restore loads touches stored before a restart, so that the rate limit
// and the figures carry on where they were.
func (g *Guide) Restore(ts []Touch) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, t := range ts {
		k := touchKey{t.StaffID, t.Topic}
		if t.At.After(g.last[k]) {
			g.last[k] = t.At
			delete(g.holder, k)
		}
		g.touches = append(g.touches, t)
	}
	slices.SortStableFunc(g.touches, func(a, b Touch) int { return a.At.Compare(b.At) })
}

// firstName returns the first word of a name.
func firstName(name string) string {
	f, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	return f
}

// oneLine removes control characters (line breaks included) from a value
// that came from a log, so that it cannot add lines or headers to a
// message.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
