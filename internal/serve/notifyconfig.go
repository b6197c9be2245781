package serve

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/notify"
)

// NotifyConfig is the notify section: who is told about alerts, in the
// shape internal/notify's package comment documents. Secrets are never in
// the file: keys ending in _env name the environment variable holding them.
type NotifyConfig struct {
	MinLevel string          `yaml:"min_level"` // lowest level notified; "" means high
	Webhooks []WebhookConfig `yaml:"webhooks"`
	Teams    []URLRef        `yaml:"teams"`
	Slack    []URLRef        `yaml:"slack"`
	SMTP     *SMTPConfig     `yaml:"smtp"`
	Syslog   []SyslogTarget  `yaml:"syslog"`
	// Reload is how often a node that notifies looks for targets added
	// or removed in the console on another node (DefaultNotifyReload).
	Reload time.Duration `yaml:"reload"`
}

// WebhookConfig is one generic JSON webhook. URL or URLEnv gives the
// address; Headers are sent as given, HeadersEnv maps a header name to the
// environment variable holding its value (for Authorization and the like).
type WebhookConfig struct {
	URL        string            `yaml:"url"`
	URLEnv     string            `yaml:"url_env"`
	Headers    map[string]string `yaml:"headers"`
	HeadersEnv map[string]string `yaml:"headers_env"`
}

// URLRef is a Teams or Slack webhook address: in YAML either the URL itself
// or {url_env: NAME}, since these URLs carry their own secret.
type URLRef struct {
	URL    string `yaml:"url"`
	URLEnv string `yaml:"url_env"`
}

// UnmarshalYAML accepts a plain string or a mapping with url or url_env.
func (u *URLRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		u.URL = n.Value
		return nil
	}
	type plain URLRef // no UnmarshalYAML: decode the mapping field by field
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*u = URLRef(p)
	return nil
}

// SMTPConfig says how alert emails are sent; the password comes from the
// environment variable PasswordEnv names.
type SMTPConfig struct {
	Addr        string   `yaml:"addr"`
	Username    string   `yaml:"username"`
	PasswordEnv string   `yaml:"password_env"`
	From        string   `yaml:"from"`
	To          []string `yaml:"to"`
	StartTLS    string   `yaml:"starttls"` // auto (default), required or off
}

// SyslogTarget forwards alerts as CEF over syslog to another SIEM.
type SyslogTarget struct {
	Network string `yaml:"network"` // udp or tcp
	Addr    string `yaml:"addr"`
}

// validate checks the section and names the first wrong key.
func (n *NotifyConfig) validate() error {
	if n.Reload < 0 {
		return fmt.Errorf("config key notify.reload: %v is not a positive duration", n.Reload)
	}
	if n.MinLevel != "" && alert.LevelRank(n.MinLevel) == 0 {
		return fmt.Errorf("config key notify.min_level: %q is not informational, low, medium, high or critical", n.MinLevel)
	}
	for i, w := range n.Webhooks {
		if err := w.validate(fmt.Sprintf("notify.webhooks[%d]", i)); err != nil {
			return err
		}
	}
	for _, list := range []struct {
		key  string
		refs []URLRef
	}{{"notify.teams", n.Teams}, {"notify.slack", n.Slack}} {
		for i, r := range list.refs {
			if err := checkURLRef(fmt.Sprintf("%s[%d]", list.key, i), r); err != nil {
				return err
			}
		}
	}
	if err := n.SMTP.validate(); err != nil {
		return err
	}
	for i, s := range n.Syslog {
		key := fmt.Sprintf("notify.syslog[%d]", i)
		if s.Network != "udp" && s.Network != "tcp" {
			return fmt.Errorf("config key %s.network: %q is not udp or tcp", key, s.Network)
		}
		if _, _, err := net.SplitHostPort(s.Addr); err != nil {
			return fmt.Errorf("config key %s.addr: %q is not host:port: %w", key, s.Addr, err)
		}
	}
	return nil
}

func (s *SMTPConfig) validate() error {
	if s == nil {
		return nil
	}
	if err := checkSMTPServer("notify.smtp", s.Addr, s.Username, s.PasswordEnv, s.StartTLS); err != nil {
		return err
	}
	if !strings.Contains(s.From, "@") {
		return fmt.Errorf("config key notify.smtp.from: %q is not an email address", s.From)
	}
	if len(s.To) == 0 {
		return errors.New("config key notify.smtp.to: needs at least one recipient")
	}
	for i, to := range s.To {
		if !strings.Contains(to, "@") {
			return fmt.Errorf("config key notify.smtp.to[%d]: %q is not an email address", i, to)
		}
	}
	return nil
}

// checkSMTPServer checks the server settings of an SMTP section whose
// config key is key (notify.smtp, people.guidance.smtp).
func checkSMTPServer(key, addr, username, passwordEnv, startTLS string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("config key %s.addr: %q is not host:port: %w", key, addr, err)
	}
	if username != "" && passwordEnv == "" {
		return fmt.Errorf("config key %s.password_env: needed with username (the password is read from that environment variable)", key)
	}
	if !slices.Contains([]string{"", notify.StartTLSAuto, notify.StartTLSRequired, notify.StartTLSOff}, startTLS) {
		return fmt.Errorf("config key %s.starttls: %q is not auto, required or off", key, startTLS)
	}
	return nil
}

// validate checks a webhook whose config key is key.
func (w WebhookConfig) validate(key string) error {
	if err := checkURLRef(key, URLRef{w.URL, w.URLEnv}); err != nil {
		return err
	}
	for h, env := range w.HeadersEnv {
		if env == "" {
			return fmt.Errorf("config key %s.headers_env.%s: names no environment variable", key, h)
		}
	}
	return nil
}

// resolve gives a webhook's URL and headers, reading the variables it
// names with getenv; an unset variable is an error naming key.
func (w WebhookConfig) resolve(key string, getenv func(string) string) (string, map[string]string, error) {
	u, err := resolveURL(key, URLRef{w.URL, w.URLEnv}, getenv)
	if err != nil {
		return "", nil, err
	}
	headers := make(map[string]string, len(w.Headers)+len(w.HeadersEnv))
	for h, v := range w.Headers {
		headers[h] = v
	}
	for h, env := range w.HeadersEnv {
		v := getenv(env)
		if v == "" {
			return "", nil, fmt.Errorf("config key %s.headers_env.%s: environment variable %s is not set", key, h, env)
		}
		headers[h] = v
	}
	return u, headers, nil
}

func checkURLRef(key string, r URLRef) error {
	switch {
	case r.URL != "" && r.URLEnv != "":
		return fmt.Errorf("config key %s: give url or url_env, not both", key)
	case r.URLEnv != "":
		return nil
	case r.URL == "":
		return fmt.Errorf("config key %s: needs url or url_env", key)
	}
	return checkHTTPURL(key+".url", r.URL)
}

func checkHTTPURL(key, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL may hold a token: name the key, not the value.
		return fmt.Errorf("config key %s: not an http or https URL", key)
	}
	return nil
}

// targets builds the notification targets, reading secrets with getenv;
// an unset variable is an error naming the key and the variable.
func (n *NotifyConfig) targets(getenv func(string) string) ([]notify.Target, error) {
	var out []notify.Target
	for i, w := range n.Webhooks {
		u, headers, err := w.resolve(fmt.Sprintf("notify.webhooks[%d]", i), getenv)
		if err != nil {
			return nil, err
		}
		out = append(out, notify.NewWebhook(u, headers, nil))
	}
	for _, list := range []struct {
		key  string
		refs []URLRef
		make func(string, *http.Client) notify.Target
	}{{"notify.teams", n.Teams, notify.NewTeams}, {"notify.slack", n.Slack, notify.NewSlack}} {
		for i, r := range list.refs {
			u, err := resolveURL(fmt.Sprintf("%s[%d]", list.key, i), r, getenv)
			if err != nil {
				return nil, err
			}
			out = append(out, list.make(u, nil))
		}
	}
	if s := n.SMTP; s != nil {
		cfg := notify.SMTPConfig{Addr: s.Addr, Username: s.Username, From: s.From, To: s.To, StartTLS: s.StartTLS}
		var err error
		if cfg.Password, err = smtpPassword("notify.smtp", s.PasswordEnv, getenv); err != nil {
			return nil, err
		}
		out = append(out, notify.NewSMTP(cfg))
	}
	for _, s := range n.Syslog {
		out = append(out, notify.NewSyslogCEF(s.Network, s.Addr))
	}
	return out, nil
}

// smtpPassword reads the password of the SMTP section at key from the
// variable env names ("" when env is empty: no password).
func smtpPassword(key, env string, getenv func(string) string) (string, error) {
	if env == "" {
		return "", nil
	}
	pw := getenv(env)
	if pw == "" {
		return "", fmt.Errorf("config key %s.password_env: environment variable %s is not set", key, env)
	}
	return pw, nil
}

func resolveURL(key string, r URLRef, getenv func(string) string) (string, error) {
	if r.URLEnv == "" {
		return r.URL, nil
	}
	u := getenv(r.URLEnv)
	if u == "" {
		return "", fmt.Errorf("config key %s.url_env: environment variable %s is not set", key, r.URLEnv)
	}
	if err := checkHTTPURL(key+".url_env ("+r.URLEnv+")", u); err != nil {
		return "", err
	}
	return u, nil
}
