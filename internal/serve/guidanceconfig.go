package serve

import (
	"errors"
	"fmt"
	"net/mail"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/notify"
)

// GuidanceConfig is people.guidance: short, blame-free guidance sent to
// the member of staff a committed alert names (docs/people.md). Email
// goes through SMTP (people.guidance.smtp, or notify.smtp's server when
// that is not set); a webhook gets the message as JSON for a system that
// delivers it (a Teams bot, an intranet inbox).
type GuidanceConfig struct {
	Enabled   bool           `yaml:"enabled"`
	Templates string         `yaml:"templates"`           // folder of <topic>.tmpl files replacing the built-in ones
	From      string         `yaml:"from"`                // sender address; default notify.smtp.from
	Via       string         `yaml:"via"`                 // email (default) or webhook
	MinLevel  string         `yaml:"min_level"`           // lowest alert level that gets guidance; default medium
	Interval  time.Duration  `yaml:"per_person_interval"` // one message per person and topic in this time; default 168h
	Queue     int            `yaml:"queue"`               // messages waiting to be sent; default 256
	SMTP      *GuidanceSMTP  `yaml:"smtp"`                // the mail server; default notify.smtp's
	Webhook   *WebhookConfig `yaml:"webhook"`             // with via: webhook
}

// GuidanceSMTP is the mail server guidance is sent through; the password
// comes from the environment variable PasswordEnv names.
type GuidanceSMTP struct {
	Addr        string `yaml:"addr"`
	Username    string `yaml:"username"`
	PasswordEnv string `yaml:"password_env"`
	StartTLS    string `yaml:"starttls"` // auto (default), required or off
}

// Ways guidance is delivered (people.guidance.via).
const (
	viaEmail   = "email"
	viaWebhook = "webhook"
)

// DefaultGuidanceQueue is how many messages may wait to be sent; more are
// dropped (and counted) rather than slowing the detector.
const DefaultGuidanceQueue = 256

// validate checks the section; nsmtp is notify.smtp, whose server and
// sender guidance email uses when its own are not set.
func (g *GuidanceConfig) validate(nsmtp *SMTPConfig) error {
	switch g.Via {
	case "", viaEmail, viaWebhook:
	default:
		return fmt.Errorf("config key people.guidance.via: %q is not email or webhook", g.Via)
	}
	if g.MinLevel != "" && alert.LevelRank(g.MinLevel) == 0 {
		return fmt.Errorf("config key people.guidance.min_level: %q is not low, medium, high or critical", g.MinLevel)
	}
	if g.Interval < 0 {
		return fmt.Errorf("config key people.guidance.per_person_interval: %v is negative", g.Interval)
	}
	if g.Queue < 0 {
		return fmt.Errorf("config key people.guidance.queue: %d is negative", g.Queue)
	}
	if g.From != "" {
		if _, err := mail.ParseAddress(g.From); err != nil {
			return fmt.Errorf("config key people.guidance.from: %q is not an email address: %w", g.From, err)
		}
	}
	if s := g.SMTP; s != nil {
		if err := checkSMTPServer("people.guidance.smtp", s.Addr, s.Username, s.PasswordEnv, s.StartTLS); err != nil {
			return err
		}
	}
	if g.Webhook != nil {
		if err := g.Webhook.validate("people.guidance.webhook"); err != nil {
			return err
		}
	}
	if !g.Enabled {
		return nil
	}
	return g.checkRoute(nsmtp)
}

// checkRoute checks that enabled guidance has a way out.
func (g *GuidanceConfig) checkRoute(nsmtp *SMTPConfig) error {
	if g.Via == viaWebhook {
		if g.Webhook == nil {
			return errors.New("config key people.guidance.webhook: needed with via: webhook")
		}
		return nil
	}
	if g.SMTP == nil && nsmtp == nil {
		return errors.New("config key people.guidance.smtp: guidance by email needs a mail server (people.guidance.smtp or notify.smtp)")
	}
	if g.From == "" && (nsmtp == nil || nsmtp.From == "") {
		return errors.New("config key people.guidance.from: guidance by email needs a sender address (people.guidance.from or notify.smtp.from)")
	}
	return nil
}

// mailServer is the SMTP server and sender guidance email goes through,
// with the password read by getenv.
func (g *GuidanceConfig) mailServer(nsmtp *SMTPConfig, getenv func(string) string) (notify.SMTPConfig, error) {
	var cfg notify.SMTPConfig
	key, env := "people.guidance.smtp", ""
	switch {
	case g.SMTP != nil:
		cfg = notify.SMTPConfig{Addr: g.SMTP.Addr, Username: g.SMTP.Username, StartTLS: g.SMTP.StartTLS}
		env = g.SMTP.PasswordEnv
	case nsmtp != nil:
		cfg = notify.SMTPConfig{Addr: nsmtp.Addr, Username: nsmtp.Username, StartTLS: nsmtp.StartTLS, From: nsmtp.From}
		key, env = "notify.smtp", nsmtp.PasswordEnv
	}
	if g.From != "" {
		cfg.From = g.From
	} else if nsmtp != nil {
		cfg.From = nsmtp.From
	}
	var err error
	cfg.Password, err = smtpPassword(key, env, getenv)
	return cfg, err
}
