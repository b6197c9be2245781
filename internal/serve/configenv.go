package serve

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/bus"
)

// envVar is one VIGIL_* environment variable: the config key it overrides
// and how its text is read into the configuration.
type envVar struct {
	name string
	key  string
	set  func(c *Config, v string) error
}

// envVars lists every variable ApplyEnv reads, in the order of the
// configuration reference (docs/configuration.md, which a test checks
// against this list).
var envVars = []envVar{
	str("VIGIL_DATA", "data", func(c *Config) *string { return &c.Data }),
	str("VIGIL_HTTP", "http", func(c *Config) *string { return &c.HTTP }),
	{"VIGIL_RULES", "rules", func(c *Config, v string) error {
		c.Rules = strings.Split(v, string(os.PathListSeparator))
		return nil
	}},
	str("VIGIL_TLS_CERT", "tls_cert", func(c *Config) *string { return &c.TLSCert }),
	str("VIGIL_TLS_KEY", "tls_key", func(c *Config) *string { return &c.TLSKey }),
	str("VIGIL_ADMIN_TOKEN", "admin_token", func(c *Config) *string { return &c.AdminToken }),
	str("VIGIL_SYSLOG_UDP", "syslog.udp", func(c *Config) *string { return &c.Syslog.UDP }),
	str("VIGIL_SYSLOG_TCP", "syslog.tcp", func(c *Config) *string { return &c.Syslog.TCP }),
	str("VIGIL_SYSLOG_TLS", "syslog.tls", func(c *Config) *string { return &c.Syslog.TLS }),
	str("VIGIL_SYSLOG_TLS_CERT", "syslog.tls_cert", func(c *Config) *string { return &c.Syslog.TLSCert }),
	str("VIGIL_SYSLOG_TLS_KEY", "syslog.tls_key", func(c *Config) *string { return &c.Syslog.TLSKey }),
	str("VIGIL_HL7_MLLP", "hl7.mllp", func(c *Config) *string { return &c.HL7.MLLP }),
	str("VIGIL_HL7_MLLP_TLS", "hl7.mllp_tls", func(c *Config) *string { return &c.HL7.MLLPTLS }),
	str("VIGIL_HL7_TLS_CERT", "hl7.tls_cert", func(c *Config) *string { return &c.HL7.TLSCert }),
	str("VIGIL_HL7_TLS_KEY", "hl7.tls_key", func(c *Config) *string { return &c.HL7.TLSKey }),
	integer("VIGIL_HL7_MAX_CONNECTIONS", "hl7.max_connections", func(c *Config) *int { return &c.HL7.MaxConnections }),
	integer("VIGIL_HL7_MAX_MESSAGE", "hl7.max_message", func(c *Config) *int { return &c.HL7.MaxMessage }),
	dur("VIGIL_ALERT_WINDOW", "alert.window", func(c *Config) *time.Duration { return &c.Alert.Window }),
	dur("VIGIL_ALERT_INCIDENT_WINDOW", "alert.incident_window", func(c *Config) *time.Duration { return &c.Alert.IncidentWindow }),
	dur("VIGIL_CORRELATION_SNAPSHOT_EVERY", "correlation.snapshot_every", func(c *Config) *time.Duration { return &c.Correlation.SnapshotEvery }),
	dur("VIGIL_EVENTS_MAX_AGE", "events.max_age", func(c *Config) *time.Duration { return &c.Events.MaxAge }),
	{"VIGIL_EVENTS_MAX_BYTES", "events.max_bytes", func(c *Config, v string) error {
		b, err := ParseByteSize(v)
		c.Events.MaxBytes = b
		return err
	}},
	str("VIGIL_STORE_POSTGRES_DSN", "store.postgres.dsn", func(c *Config) *string { return &c.Store.Postgres.DSN }),
	integer("VIGIL_STORE_POSTGRES_MAX_CONNS", "store.postgres.max_conns", func(c *Config) *int { return &c.Store.Postgres.MaxConns }),
	optionalBool("VIGIL_STORE_POSTGRES_EVENTS", "store.postgres.events", func(c *Config) **bool { return &c.Store.Postgres.Events }),
	str("VIGIL_AUDIT_KEY_FILE", "audit.key_file", func(c *Config) *string { return &c.Audit.KeyFile }),
	str("VIGIL_PRIVACY_STAFF", "privacy.staff", func(c *Config) *string { return &c.Privacy.Staff }),
	str("VIGIL_PRIVACY_VIP", "privacy.vip", func(c *Config) *string { return &c.Privacy.VIP }),
	str("VIGIL_PRIVACY_REVIEWS", "privacy.reviews", func(c *Config) *string { return &c.Privacy.Reviews }),
	dur("VIGIL_PRIVACY_EVERY", "privacy.every", func(c *Config) *time.Duration { return &c.Privacy.Every }),
	str("VIGIL_ESTATE_KEV", "estate.kev", func(c *Config) *string { return &c.Estate.KEV }),
	str("VIGIL_ESTATE_EOL", "estate.eol", func(c *Config) *string { return &c.Estate.EOL }),
	str("VIGIL_ESTATE_ASSETS", "estate.assets", func(c *Config) *string { return &c.Estate.Assets }),
	dur("VIGIL_ESTATE_LEARNED_MAX_AGE", "estate.learned_max_age", func(c *Config) *time.Duration { return &c.Estate.LearnedMaxAge }),
	str("VIGIL_PEOPLE_MAILBOX", "people.mailbox", func(c *Config) *string { return &c.People.Mailbox }),
	dur("VIGIL_PEOPLE_RELOAD", "people.reload", func(c *Config) *time.Duration { return &c.People.Reload }),
	{"VIGIL_PEOPLE_PULSE_ROUNDS", "people.pulse_rounds", func(c *Config, v string) error {
		c.People.PulseRounds = splitList(v)
		return nil
	}},
	dur("VIGIL_PRIVACY_LOOKBACK", "privacy.lookback", func(c *Config) *time.Duration { return &c.Privacy.Lookback }),
	boolean("VIGIL_PRIVACY_ANALYSE", "privacy.analyse", func(c *Config) *bool { return &c.Privacy.Analyse }),
	boolean("VIGIL_PEOPLE_GUIDANCE_ENABLED", "people.guidance.enabled", func(c *Config) *bool { return &c.People.Guidance.Enabled }),
	str("VIGIL_PEOPLE_GUIDANCE_TEMPLATES", "people.guidance.templates", func(c *Config) *string { return &c.People.Guidance.Templates }),
	str("VIGIL_PEOPLE_GUIDANCE_FROM", "people.guidance.from", func(c *Config) *string { return &c.People.Guidance.From }),
	str("VIGIL_PEOPLE_GUIDANCE_VIA", "people.guidance.via", func(c *Config) *string { return &c.People.Guidance.Via }),
	str("VIGIL_PEOPLE_GUIDANCE_MIN_LEVEL", "people.guidance.min_level", func(c *Config) *string { return &c.People.Guidance.MinLevel }),
	dur("VIGIL_PEOPLE_GUIDANCE_PER_PERSON_INTERVAL", "people.guidance.per_person_interval", func(c *Config) *time.Duration { return &c.People.Guidance.Interval }),
	integer("VIGIL_PEOPLE_GUIDANCE_QUEUE", "people.guidance.queue", func(c *Config) *int { return &c.People.Guidance.Queue }),
	str("VIGIL_PEOPLE_GUIDANCE_SMTP_ADDR", "people.guidance.smtp.addr", func(c *Config) *string { return &guidanceSMTPOf(c).Addr }),
	str("VIGIL_PEOPLE_GUIDANCE_SMTP_USERNAME", "people.guidance.smtp.username", func(c *Config) *string { return &guidanceSMTPOf(c).Username }),
	str("VIGIL_PEOPLE_GUIDANCE_SMTP_PASSWORD_ENV", "people.guidance.smtp.password_env", func(c *Config) *string { return &guidanceSMTPOf(c).PasswordEnv }),
	str("VIGIL_PEOPLE_GUIDANCE_SMTP_STARTTLS", "people.guidance.smtp.starttls", func(c *Config) *string { return &guidanceSMTPOf(c).StartTLS }),
	str("VIGIL_PEOPLE_GUIDANCE_WEBHOOK_URL", "people.guidance.webhook.url", func(c *Config) *string { return &guidanceWebhookOf(c).URL }),
	str("VIGIL_PEOPLE_GUIDANCE_WEBHOOK_URL_ENV", "people.guidance.webhook.url_env", func(c *Config) *string { return &guidanceWebhookOf(c).URLEnv }),
	pairs("VIGIL_PEOPLE_GUIDANCE_WEBHOOK_HEADERS", "people.guidance.webhook.headers", func(c *Config) *map[string]string { return &guidanceWebhookOf(c).Headers }),
	pairs("VIGIL_PEOPLE_GUIDANCE_WEBHOOK_HEADERS_ENV", "people.guidance.webhook.headers_env", func(c *Config) *map[string]string { return &guidanceWebhookOf(c).HeadersEnv }),
	dur("VIGIL_FLOW_CHECK_EVERY", "flow.check_every", func(c *Config) *time.Duration { return &c.Flow.CheckEvery }),
	dur("VIGIL_FLOW_SAVE_EVERY", "flow.save_every", func(c *Config) *time.Duration { return &c.Flow.SaveEvery }),
	str("VIGIL_NOTIFY_MIN_LEVEL", "notify.min_level", func(c *Config) *string { return &c.Notify.MinLevel }),
	dur("VIGIL_NOTIFY_RELOAD", "notify.reload", func(c *Config) *time.Duration { return &c.Notify.Reload }),
	{"VIGIL_NOTIFY_WEBHOOKS", "notify.webhooks", func(c *Config, v string) error {
		c.Notify.Webhooks = nil
		for _, u := range strings.Fields(v) {
			c.Notify.Webhooks = append(c.Notify.Webhooks, WebhookConfig{URL: u})
		}
		return nil
	}},
	urls("VIGIL_NOTIFY_TEAMS", "notify.teams", func(c *Config) *[]URLRef { return &c.Notify.Teams }),
	urls("VIGIL_NOTIFY_SLACK", "notify.slack", func(c *Config) *[]URLRef { return &c.Notify.Slack }),
	str("VIGIL_NOTIFY_SMTP_ADDR", "notify.smtp.addr", func(c *Config) *string { return &smtpOf(c).Addr }),
	str("VIGIL_NOTIFY_SMTP_USERNAME", "notify.smtp.username", func(c *Config) *string { return &smtpOf(c).Username }),
	str("VIGIL_NOTIFY_SMTP_PASSWORD_ENV", "notify.smtp.password_env", func(c *Config) *string { return &smtpOf(c).PasswordEnv }),
	str("VIGIL_NOTIFY_SMTP_FROM", "notify.smtp.from", func(c *Config) *string { return &smtpOf(c).From }),
	{"VIGIL_NOTIFY_SMTP_TO", "notify.smtp.to", func(c *Config, v string) error {
		smtpOf(c).To = splitList(v)
		return nil
	}},
	str("VIGIL_NOTIFY_SMTP_STARTTLS", "notify.smtp.starttls", func(c *Config) *string { return &smtpOf(c).StartTLS }),
	{"VIGIL_NOTIFY_SYSLOG", "notify.syslog", setSyslogTargets},
	str("VIGIL_OIDC_ISSUER", "oidc.issuer", func(c *Config) *string { return &c.OIDC.Issuer }),
	str("VIGIL_OIDC_CLIENT_ID", "oidc.client_id", func(c *Config) *string { return &c.OIDC.ClientID }),
	str("VIGIL_OIDC_CLIENT_SECRET_FILE", "oidc.client_secret_file", func(c *Config) *string { return &c.OIDC.ClientSecretFile }),
	str("VIGIL_OIDC_REDIRECT_URL", "oidc.redirect_url", func(c *Config) *string { return &c.OIDC.RedirectURL }),
	{"VIGIL_OIDC_SCOPES", "oidc.scopes", func(c *Config, v string) error {
		c.OIDC.Scopes = splitList(v)
		return nil
	}},
	str("VIGIL_OIDC_ROLE_CLAIM", "oidc.role_claim", func(c *Config) *string { return &c.OIDC.RoleClaim }),
	{"VIGIL_OIDC_ROLES", "oidc.roles", func(c *Config, v string) error {
		m, err := parseRoleMap(v)
		c.OIDC.Roles = m
		return err
	}},
	{"VIGIL_ROLE", "role", func(c *Config, v string) error { return c.Role.UnmarshalText([]byte(v)) }},
	str("VIGIL_NODE", "node", func(c *Config) *string { return &c.Node }),
	{"VIGIL_BUS_NATS_URLS", "bus.nats.urls", func(c *Config, v string) error {
		natsOf(c).URLs = splitList(v)
		return nil
	}},
	str("VIGIL_BUS_NATS_STREAM", "bus.nats.stream", func(c *Config) *string { return &natsOf(c).Stream }),
	integer("VIGIL_BUS_NATS_REPLICAS", "bus.nats.replicas", func(c *Config) *int { return &natsOf(c).Replicas }),
	integer("VIGIL_BUS_NATS_PARTITIONS", "bus.nats.partitions", func(c *Config) *int { return &natsOf(c).Partitions }),
	dur("VIGIL_BUS_NATS_MAX_AGE", "bus.nats.max_age", func(c *Config) *time.Duration { return &natsOf(c).MaxAge }),
	{"VIGIL_BUS_NATS_MAX_BYTES", "bus.nats.max_bytes", func(c *Config, v string) error {
		b, err := ParseByteSize(v)
		natsOf(c).MaxBytes = int64(b)
		return err
	}},
	dur("VIGIL_BUS_NATS_DUPLICATE_WINDOW", "bus.nats.duplicate_window", func(c *Config) *time.Duration { return &natsOf(c).DuplicateWindow }),
	str("VIGIL_BUS_NATS_CREDENTIALS", "bus.nats.credentials", func(c *Config) *string { return &natsOf(c).Credentials }),
	str("VIGIL_BUS_NATS_TLS_CA", "bus.nats.tls.ca", func(c *Config) *string { return &natsOf(c).TLS.CA }),
	str("VIGIL_BUS_NATS_TLS_CERT", "bus.nats.tls.cert", func(c *Config) *string { return &natsOf(c).TLS.Cert }),
	str("VIGIL_BUS_NATS_TLS_KEY", "bus.nats.tls.key", func(c *Config) *string { return &natsOf(c).TLS.Key }),
	integer("VIGIL_BUS_NATS_MAX_PENDING", "bus.nats.max_pending", func(c *Config) *int { return &natsOf(c).MaxPending }),
	dur("VIGIL_BUS_NATS_ACK_TIMEOUT", "bus.nats.ack_timeout", func(c *Config) *time.Duration { return &natsOf(c).AckTimeout }),
	dur("VIGIL_BUS_NATS_LEASE_TTL", "bus.nats.lease_ttl", func(c *Config) *time.Duration { return &natsOf(c).LeaseTTL }),
	integer("VIGIL_BUS_NATS_BATCH", "bus.nats.batch", func(c *Config) *int { return &natsOf(c).Batch }),
}

// natsOf returns the bus.nats section, creating it when the file had none.
func natsOf(c *Config) *bus.Config {
	if c.Bus.NATS == nil {
		c.Bus.NATS = &bus.Config{}
	}
	return c.Bus.NATS
}

// ApplyEnv overrides c with the VIGIL_* environment variables that are
// set; docs/configuration.md lists them with the keys they override.
// Lists are separated by commas (VIGIL_RULES by the OS path list
// separator, URL lists by spaces, as a URL may hold a comma); a list
// variable replaces the file's list. getenv is os.Getenv outside tests.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	for _, e := range envVars {
		v := getenv(e.name)
		if v == "" {
			continue
		}
		if err := e.set(c, v); err != nil {
			return fmt.Errorf("environment %s (config key %s): %w", e.name, e.key, err)
		}
	}
	return nil
}

func str(name, key string, field func(*Config) *string) envVar {
	return envVar{name, key, func(c *Config, v string) error {
		*field(c) = v
		return nil
	}}
}

func dur(name, key string, field func(*Config) *time.Duration) envVar {
	return envVar{name, key, func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		*field(c) = d
		return nil
	}}
}

func integer(name, key string, field func(*Config) *int) envVar {
	return envVar{name, key, func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*field(c) = n
		return nil
	}}
}

// boolean sets a switch from true or false (as strconv.ParseBool reads
// them: 1, t, TRUE, ...).
func boolean(name, key string, field func(*Config) *bool) envVar {
	return envVar{name, key, func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*field(c) = b
		return nil
	}}
}

// optionalBool sets a switch whose absence means its default (a nil
// pointer) from true or false.
func optionalBool(name, key string, field func(*Config) **bool) envVar {
	return boolean(name, key, func(c *Config) *bool {
		b := new(bool)
		*field(c) = b
		return b
	})
}

// pairs reads "Name=value; Other=value" into a map.
func pairs(name, key string, field func(*Config) *map[string]string) envVar {
	return envVar{name, key, func(c *Config, v string) error {
		m := map[string]string{}
		for entry := range strings.SplitSeq(v, ";") {
			if entry = strings.TrimSpace(entry); entry == "" {
				continue
			}
			k, val, ok := strings.Cut(entry, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return fmt.Errorf("%q is not Name=value", entry)
			}
			m[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
		*field(c) = m
		return nil
	}}
}

func urls(name, key string, field func(*Config) *[]URLRef) envVar {
	return envVar{name, key, func(c *Config, v string) error {
		var refs []URLRef
		for _, u := range strings.Fields(v) {
			refs = append(refs, URLRef{URL: u})
		}
		*field(c) = refs
		return nil
	}}
}

// smtpOf returns the SMTP section, creating it when the file had none.
func smtpOf(c *Config) *SMTPConfig {
	if c.Notify.SMTP == nil {
		c.Notify.SMTP = &SMTPConfig{}
	}
	return c.Notify.SMTP
}

// guidanceSMTPOf and guidanceWebhookOf return the guidance's SMTP and
// webhook sections, creating them when the file had none.
func guidanceSMTPOf(c *Config) *GuidanceSMTP {
	if c.People.Guidance.SMTP == nil {
		c.People.Guidance.SMTP = &GuidanceSMTP{}
	}
	return c.People.Guidance.SMTP
}

func guidanceWebhookOf(c *Config) *WebhookConfig {
	if c.People.Guidance.Webhook == nil {
		c.People.Guidance.Webhook = &WebhookConfig{}
	}
	return c.People.Guidance.Webhook
}

// splitList splits a comma-separated list, trimming spaces and dropping
// empty items.
func splitList(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// setSyslogTargets reads "udp://host:514, tcp://host:601" into
// notify.syslog.
func setSyslogTargets(c *Config, v string) error {
	var targets []SyslogTarget
	for _, item := range splitList(v) {
		network, addr, ok := strings.Cut(item, "://")
		if !ok {
			return fmt.Errorf("%q is not NETWORK://HOST:PORT (udp://siem:514)", item)
		}
		targets = append(targets, SyslogTarget{Network: network, Addr: addr})
	}
	c.Notify.Syslog = targets
	return nil
}
