package serve

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigLayers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.yaml")
	yaml := "data: /srv/vigil\nhttp: 0.0.0.0:9000\nrules: [a.yml, b/]\nsyslog:\n  udp: ':5514'\nalert:\n  window: 5m\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	if err := cfg.LoadConfig(path); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"VIGIL_HTTP": "127.0.0.1:9001", "VIGIL_ADMIN_TOKEN": "tok", "VIGIL_ALERT_INCIDENT_WINDOW": "2h"}
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Data: "/srv/vigil", HTTP: "127.0.0.1:9001", Rules: []string{"a.yml", "b/"},
		Syslog: SyslogConfig{UDP: ":5514"}, AdminToken: "tok",
		Alert: AlertConfig{Window: 5 * time.Minute, IncidentWindow: 2 * time.Hour},
	}
	if cfg.Data != want.Data || cfg.HTTP != want.HTTP || strings.Join(cfg.Rules, ",") != "a.yml,b/" ||
		cfg.Syslog != want.Syslog || cfg.AdminToken != want.AdminToken || cfg.Alert != want.Alert {
		t.Errorf("config %+v, want %+v", cfg, want)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		key  string
	}{
		{"no data", func(c *Config) { c.Data = "" }, "data"},
		{"bad http", func(c *Config) { c.HTTP = "localhost" }, "http"},
		{"empty rule", func(c *Config) { c.Rules = []string{""} }, "rules[0]"},
		{"bad tcp", func(c *Config) { c.Syslog.TCP = "601" }, "syslog.tcp"},
		{"tls without cert", func(c *Config) { c.Syslog.TLS = ":6514" }, "syslog.tls"},
		{"zero window", func(c *Config) { c.Alert.Window = 0 }, "alert.window"},
		{"negative incident window", func(c *Config) { c.Alert.IncidentWindow = -time.Second }, "alert.incident_window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.edit(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), "config key "+tt.key+":") {
				t.Errorf("Validate() = %v, want an error naming key %s", err, tt.key)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte("htp: 1.2.3.4:5\n"), 0o600)
	cfg := DefaultConfig()
	if err := cfg.LoadConfig(path); err == nil || !strings.Contains(err.Error(), "htp") {
		t.Errorf("LoadConfig of a misspelt key = %v, want an error naming it", err)
	}
	cfg = DefaultConfig()
	if err := cfg.ApplyEnv(func(k string) string { return map[string]string{"VIGIL_ALERT_WINDOW": "soon"}[k] }); err == nil ||
		!strings.Contains(err.Error(), "VIGIL_ALERT_WINDOW") {
		t.Errorf("ApplyEnv with a bad duration = %v, want an error naming the variable", err)
	}
}

func TestMetricsExposition(t *testing.T) {
	ts := startService(t, testConfig(t))
	ts.post(t, readFile(t, "..", "..", "rules", "testdata", "win_system_wannacry_service_install", "match.jsonl"))
	req, _ := http.NewRequest("GET", ts.base+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		"# TYPE vigil_events_in_total counter\n",
		`vigil_events_in_total{listener="http"} 2` + "\n",
		"vigil_wal_records 2\n",
		"# TYPE vigil_detector_lag_records gauge\n",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}
