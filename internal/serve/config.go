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
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the service's configuration. Defaults come from DefaultConfig,
// then a YAML file (LoadConfig), then flags, then VIGIL_* environment
// variables (ApplyEnv); Validate checks the result.
type Config struct {
	Data       string       `yaml:"data"`        // the data folder: WAL, alerts, quarantine, token
	HTTP       string       `yaml:"http"`        // API listen address
	Rules      []string     `yaml:"rules"`       // rule files and folders; none means Vigil's own pack
	Syslog     SyslogConfig `yaml:"syslog"`      // syslog listeners, each optional
	AdminToken string       `yaml:"admin_token"` // admin bearer token; empty: generated in Data
	Alert      AlertConfig  `yaml:"alert"`
	Notify     NotifyConfig `yaml:"notify"` // who is told about alerts
	Flow       FlowConfig   `yaml:"flow"`   // watching that every source keeps sending
	Events     EventsConfig `yaml:"events"` // retention of the searchable events
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
		Flow:   FlowConfig{CheckEvery: DefaultFlowCheck, SaveEvery: DefaultFlowSave},
		Events: EventsConfig{MaxAge: DefaultEventsMaxAge, MaxBytes: DefaultEventsMaxBytes},
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

// ApplyEnv overrides c with the VIGIL_* environment variables that are set:
// VIGIL_DATA, VIGIL_HTTP, VIGIL_RULES (a list separated by the OS path list
// separator), VIGIL_SYSLOG_UDP, VIGIL_SYSLOG_TCP, VIGIL_SYSLOG_TLS,
// VIGIL_SYSLOG_TLS_CERT, VIGIL_SYSLOG_TLS_KEY, VIGIL_ADMIN_TOKEN,
// VIGIL_ALERT_WINDOW and VIGIL_ALERT_INCIDENT_WINDOW (Go durations),
// VIGIL_EVENTS_MAX_AGE and VIGIL_EVENTS_MAX_BYTES.
// getenv is os.Getenv outside tests.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	strs := []struct {
		key string
		dst *string
	}{
		{"VIGIL_DATA", &c.Data},
		{"VIGIL_HTTP", &c.HTTP},
		{"VIGIL_SYSLOG_UDP", &c.Syslog.UDP},
		{"VIGIL_SYSLOG_TCP", &c.Syslog.TCP},
		{"VIGIL_SYSLOG_TLS", &c.Syslog.TLS},
		{"VIGIL_SYSLOG_TLS_CERT", &c.Syslog.TLSCert},
		{"VIGIL_SYSLOG_TLS_KEY", &c.Syslog.TLSKey},
		{"VIGIL_ADMIN_TOKEN", &c.AdminToken},
	}
	for _, s := range strs {
		if v := getenv(s.key); v != "" {
			*s.dst = v
		}
	}
	if v := getenv("VIGIL_RULES"); v != "" {
		c.Rules = strings.Split(v, string(os.PathListSeparator))
	}
	durs := []struct {
		key string
		dst *time.Duration
	}{
		{"VIGIL_ALERT_WINDOW", &c.Alert.Window},
		{"VIGIL_ALERT_INCIDENT_WINDOW", &c.Alert.IncidentWindow},
	}
	for _, d := range durs {
		v := getenv(d.key)
		if v == "" {
			continue
		}
		t, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("environment %s: %w", d.key, err)
		}
		*d.dst = t
	}
	return c.Events.applyEnv(getenv)
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
	if c.Alert.Window <= 0 {
		return fmt.Errorf("config key alert.window: %v is not a positive duration", c.Alert.Window)
	}
	if c.Alert.IncidentWindow <= 0 {
		return fmt.Errorf("config key alert.incident_window: %v is not a positive duration", c.Alert.IncidentWindow)
	}
	if err := c.Notify.validate(); err != nil {
		return err
	}
	if err := c.Events.validate(); err != nil {
		return err
	}
	return c.Flow.validate()
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
