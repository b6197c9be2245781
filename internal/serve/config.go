// Package serve is Vigil's live service: it takes events from the HTTP and
// syslog listeners, makes them durable in the write-ahead log before they are
// acknowledged, runs the compiled Sigma rules and correlations over the log as
// it grows, turns detections into deduplicated alerts and incidents, and
// answers the HTTP API (/api/v1/...), health checks and Prometheus metrics.
package serve

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vigilhealth/vigil/internal/estate"
)

// Config is the service's configuration. Defaults come from DefaultConfig,
// then a YAML file (LoadConfig), then flags, then VIGIL_* environment
// variables (ApplyEnv); Validate checks the result.
type Config struct {
	Data       string       `yaml:"data"`        // the data folder: WAL, alerts, quarantine, token
	HTTP       string       `yaml:"http"`        // API listen address
	Rules      []string     `yaml:"rules"`       // rule files and folders; none means Vigil's own pack
	TLSCert    string       `yaml:"tls_cert"`    // PEM certificate: with TLSKey, the API serves HTTPS
	TLSKey     string       `yaml:"tls_key"`     // PEM private key of TLSCert
	Syslog     SyslogConfig `yaml:"syslog"`      // syslog listeners, each optional
	HL7        HL7Config    `yaml:"hl7"`         // HL7 v2 over MLLP, optional
	AdminToken string       `yaml:"admin_token"` // admin bearer token; empty: generated in Data
	Alert      AlertConfig  `yaml:"alert"`
	Notify     NotifyConfig `yaml:"notify"` // who is told about alerts
	Flow       FlowConfig   `yaml:"flow"`   // watching that every source keeps sending

	Correlation CorrelationConfig `yaml:"correlation"` // saving correlation windows across restarts
	Events      EventsConfig      `yaml:"events"`      // retention of the searchable events
	Audit       AuditConfig       `yaml:"audit"`       // the self-audit log
	Privacy     PrivacyConfig     `yaml:"privacy"`     // the live patient-data guardian
	Store       StoreConfig       `yaml:"store"`       // shared state of a scaled-out deployment (PostgreSQL)
	Estate      EstateConfig      `yaml:"estate"`      // feeds and asset register for GET /api/v1/assets
	People      PeopleConfig      `yaml:"people"`      // phishing mailbox and pulse rounds
	OIDC        OIDCConfig        `yaml:"oidc"`        // login through an OpenID Connect provider

	Role Role      `yaml:"role"` // what this process runs: all (default), ingest, detect or api
	Node string    `yaml:"node"` // a detect node's name in its group, an analysing API node's in saved_by; default the host name
	Bus  BusConfig `yaml:"bus"`  // the event bus of the scaled-out roles
}

// AuditConfig configures the self-audit log (DATA/audit). KeyFile names a
// file holding an HMAC key (at least 32 bytes, such as 64 hex digits):
// the chain's hashes are then keyed, so that someone who can rewrite the
// log but cannot read the key cannot forge a consistent chain. Keep the
// key outside the data folder. See docs/security.md.
type AuditConfig struct {
	KeyFile string `yaml:"key_file"`
}

// SyslogConfig says where the syslog listener listens; "" leaves a
// transport off. TLS needs TLSCert and TLSKey (PEM files).
type SyslogConfig struct {
	UDP     string `yaml:"udp"`
	TCP     string `yaml:"tcp"`
	TLS     string `yaml:"tls"`
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
}

// HL7Config says where the HL7 v2 MLLP listener listens; "" leaves a
// transport off. MLLPTLS needs TLSCert and TLSKey (PEM files).
// MaxConnections and MaxMessage bound the open connections and one
// message's size; zero takes hl7's defaults.
type HL7Config struct {
	MLLP           string `yaml:"mllp"`
	MLLPTLS        string `yaml:"mllp_tls"`
	TLSCert        string `yaml:"tls_cert"`
	TLSKey         string `yaml:"tls_key"`
	MaxConnections int    `yaml:"max_connections"`
	MaxMessage     int    `yaml:"max_message"`
}

// AlertConfig sets the deduplication window (the same rule on the same host
// and key within Window is one alert) and the incident window (alerts of one
// host or user within IncidentWindow form one incident).
type AlertConfig struct {
	Window         time.Duration `yaml:"window"`
	IncidentWindow time.Duration `yaml:"incident_window"`
}

// Defaults.
const (
	DefaultData           = "./vigil-data"
	DefaultHTTP           = "127.0.0.1:8443"
	DefaultWindow         = 15 * time.Minute
	DefaultIncidentWindow = time.Hour
)

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Data: DefaultData,
		HTTP: DefaultHTTP,
		Alert: AlertConfig{
			Window:         DefaultWindow,
			IncidentWindow: DefaultIncidentWindow,
		},
		Flow:        FlowConfig{CheckEvery: DefaultFlowCheck, SaveEvery: DefaultFlowSave},
		Correlation: CorrelationConfig{SnapshotEvery: DefaultSnapshotEvery},
		Privacy:     PrivacyConfig{Every: DefaultPrivacyEvery},
		Events:      EventsConfig{MaxAge: DefaultEventsMaxAge, MaxBytes: DefaultEventsMaxBytes},
		People:      PeopleConfig{Reload: DefaultPeopleReload},
		Notify:      NotifyConfig{Reload: DefaultNotifyReload},
		Estate:      EstateConfig{LearnedMaxAge: estate.DefaultLearnedMaxAge},
	}
}

// LoadConfig reads a YAML file over c; keys the file leaves out keep their
// values. Unknown keys are an error, so that a misspelt key is not ignored.
func (c *Config) LoadConfig(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) { // EOF: an empty file keeps the defaults
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// Validate checks c and names the first key that is wrong.
func (c *Config) Validate() error {
	if c.Data == "" {
		return errors.New("config key data: must name a folder")
	}
	if err := checkAddr("http", c.HTTP, true); err != nil {
		return err
	}
	for i, r := range c.Rules {
		if r == "" {
			return fmt.Errorf("config key rules[%d]: empty path", i)
		}
	}
	for _, a := range []struct{ key, addr string }{
		{"syslog.udp", c.Syslog.UDP}, {"syslog.tcp", c.Syslog.TCP}, {"syslog.tls", c.Syslog.TLS},
	} {
		if err := checkAddr(a.key, a.addr, false); err != nil {
			return err
		}
	}
	if c.Syslog.TLS != "" && (c.Syslog.TLSCert == "" || c.Syslog.TLSKey == "") {
		return errors.New("config key syslog.tls: needs syslog.tls_cert and syslog.tls_key")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("config key tls_cert: tls_cert and tls_key go together (both PEM files), or neither for plain HTTP")
	}
	if err := c.HL7.validate(); err != nil {
		return err
	}
	if c.Alert.Window <= 0 {
		return fmt.Errorf("config key alert.window: %v is not a positive duration", c.Alert.Window)
	}
	if c.Alert.IncidentWindow <= 0 {
		return fmt.Errorf("config key alert.incident_window: %v is not a positive duration", c.Alert.IncidentWindow)
	}
	if err := c.Notify.validate(); err != nil {
		return err
	}
	if err := c.Correlation.validate(); err != nil {
		return err
	}
	if err := c.Privacy.validate(); err != nil {
		return err
	}
	if err := c.Events.validate(); err != nil {
		return err
	}
	if err := c.Estate.validate(); err != nil {
		return err
	}
	if err := c.Store.validate(); err != nil {
		return err
	}
	if err := c.People.validate(); err != nil {
		return err
	}
	if err := c.People.Guidance.validate(c.Notify.SMTP); err != nil {
		return err
	}
	if err := c.OIDC.validate(); err != nil {
		return err
	}
	if err := c.validateRole(); err != nil {
		return err
	}
	return c.Flow.validate()
}

func (h *HL7Config) validate() error {
	for _, a := range []struct{ key, addr string }{{"hl7.mllp", h.MLLP}, {"hl7.mllp_tls", h.MLLPTLS}} {
		if err := checkAddr(a.key, a.addr, false); err != nil {
			return err
		}
	}
	if h.MLLPTLS != "" && (h.TLSCert == "" || h.TLSKey == "") {
		return errors.New("config key hl7.mllp_tls: needs hl7.tls_cert and hl7.tls_key")
	}
	if h.MaxConnections < 0 {
		return fmt.Errorf("config key hl7.max_connections: %d is negative", h.MaxConnections)
	}
	if h.MaxMessage < 0 {
		return fmt.Errorf("config key hl7.max_message: %d is negative", h.MaxMessage)
	}
	return nil
}

func checkAddr(key, addr string, required bool) error {
	if addr == "" {
		if required {
			return fmt.Errorf("config key %s: must be a listen address such as 127.0.0.1:8443", key)
		}
		return nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("config key %s: %q is not host:port: %w", key, addr, err)
	}
	return nil
}
