package targetstore

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/notify"
)

// The kinds of target.
const (
	KindWebhook = "webhook" // a generic JSON webhook: URL, optional HeadersEnv
	KindTeams   = "teams"   // a Microsoft Teams incoming (or Workflows) webhook: URL
	KindSlack   = "slack"   // a Slack incoming webhook: URL
	KindSyslog  = "syslog"  // a SIEM taking CEF over syslog: Network and Addr
)

// Kinds lists the kinds of target in the order forms offer them.
var Kinds = []string{KindWebhook, KindTeams, KindSlack, KindSyslog}

// DefaultMinLevel is the lowest level notified when none is given.
const DefaultMinLevel = "high"

// Target is one notification target added at run time. Its URL may carry
// a secret (Teams and Slack put it in the path): show Where, never URL.
type Target struct {
	ID   string `json:"id"`   // random, URL-safe; given by New
	Name string `json:"name"` // what the administrator calls it, such as "SOC Teams channel"
	Kind string `json:"kind"` // KindWebhook, KindTeams, KindSlack or KindSyslog
	URL  string `json:"url,omitempty"`
	// HeadersEnv maps a header a webhook sends to the environment
	// variable holding its value on every node that notifies, as the
	// file's notify.webhooks[].headers_env does.
	HeadersEnv map[string]string `json:"headers_env,omitempty"`
	Network    string            `json:"network,omitempty"` // syslog: udp or tcp
	Addr       string            `json:"addr,omitempty"`    // syslog: host:port
	MinLevel   string            `json:"min_level"`         // informational, low, medium, high or critical
	CreatedAt  time.Time         `json:"created_at"`
	CreatedBy  string            `json:"created_by"`
}

// New returns spec as a new target: its text trimmed, the level lower-cased
// and defaulted to high, a fresh ID, created by by at now; or the first
// thing wrong with it (a *FieldError).
func New(spec Target, by string, now time.Time) (Target, error) {
	t := spec
	t.Name, t.Kind, t.URL = strings.TrimSpace(t.Name), strings.ToLower(strings.TrimSpace(t.Kind)), strings.TrimSpace(t.URL)
	t.Network, t.Addr = strings.ToLower(strings.TrimSpace(t.Network)), strings.TrimSpace(t.Addr)
	t.MinLevel = strings.ToLower(strings.TrimSpace(t.MinLevel))
	if t.MinLevel == "" {
		t.MinLevel = DefaultMinLevel
	}
	t.ID, t.CreatedBy, t.CreatedAt = NewID(), by, now.UTC().Truncate(time.Microsecond)
	if err := Check(t); err != nil {
		return Target{}, err
	}
	return t, nil
}

// idPrefix starts every target ID, so that one is never taken for a
// target of the configuration file.
const idPrefix = "nt-"

// NewID returns a random target ID: "nt-" and 16 URL-safe characters.
func NewID() string {
	var b [12]byte
	rand.Read(b[:])
	return idPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// Where is where t sends without any secret: the scheme and host of a
// URL, or a syslog target's network and address.
func (t Target) Where() string {
	if t.Kind == KindSyslog {
		return t.Network + " " + t.Addr
	}
	u, err := url.Parse(t.URL)
	if err != nil || u.Host == "" {
		return "an address (not shown)"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// Notifier builds the target that sends to t, reading the header values
// HeadersEnv names with getenv; an unset variable is an error naming the
// target and the header.
func (t Target) Notifier(getenv func(string) string) (notify.Target, error) {
	switch t.Kind {
	case KindWebhook:
		headers := make(map[string]string, len(t.HeadersEnv))
		for h, env := range t.HeadersEnv {
			v := getenv(env)
			if v == "" {
				return nil, fmt.Errorf("notification target %q (%s): header %s: environment variable %s is not set on this node", t.Name, t.ID, h, env)
			}
			headers[h] = v
		}
		return notify.NewWebhook(t.URL, headers, nil), nil
	case KindTeams:
		return notify.NewTeams(t.URL, nil), nil
	case KindSlack:
		return notify.NewSlack(t.URL, nil), nil
	case KindSyslog:
		return notify.NewSyslogCEF(t.Network, t.Addr), nil
	}
	return nil, fmt.Errorf("notification target %q (%s): unknown kind %q", t.Name, t.ID, t.Kind)
}
