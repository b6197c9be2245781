package serve

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEnvOverrides sets each variable alone over a default configuration
// and checks the key it overrides.
func TestEnvOverrides(t *testing.T) {
	tests := []struct {
		env, value string
		check      func(c *Config) bool
	}{
		{"VIGIL_TLS_CERT", "/etc/vigil/cert.pem", func(c *Config) bool { return c.TLSCert == "/etc/vigil/cert.pem" }},
		{"VIGIL_TLS_KEY", "/etc/vigil/key.pem", func(c *Config) bool { return c.TLSKey == "/etc/vigil/key.pem" }},
		{"VIGIL_STORE_POSTGRES_EVENTS", "false", func(c *Config) bool { return !c.Store.Postgres.StoresEvents() }},
		{"VIGIL_STORE_POSTGRES_EVENTS", "true", func(c *Config) bool { return c.Store.Postgres.StoresEvents() && c.Store.Postgres.Events != nil }},
		{"VIGIL_HL7_MLLP", "127.0.0.1:2575", func(c *Config) bool { return c.HL7.MLLP == "127.0.0.1:2575" }},
		{"VIGIL_HL7_MLLP_TLS", ":2576", func(c *Config) bool { return c.HL7.MLLPTLS == ":2576" }},
		{"VIGIL_HL7_MAX_CONNECTIONS", "32", func(c *Config) bool { return c.HL7.MaxConnections == 32 }},
		{"VIGIL_HL7_MAX_MESSAGE", "65536", func(c *Config) bool { return c.HL7.MaxMessage == 65536 }},
		{"VIGIL_FLOW_CHECK_EVERY", "30s", func(c *Config) bool { return c.Flow.CheckEvery == 30*time.Second }},
		{"VIGIL_FLOW_SAVE_EVERY", "1h", func(c *Config) bool { return c.Flow.SaveEvery == time.Hour }},
		{"VIGIL_NOTIFY_MIN_LEVEL", "medium", func(c *Config) bool { return c.Notify.MinLevel == "medium" }},
		{"VIGIL_NOTIFY_WEBHOOKS", "https://a.example/hook https://b.example/x,y", func(c *Config) bool {
			return len(c.Notify.Webhooks) == 2 && c.Notify.Webhooks[1].URL == "https://b.example/x,y"
		}},
		{"VIGIL_NOTIFY_TEAMS", "https://teams.example/1", func(c *Config) bool {
			return slices.Equal(c.Notify.Teams, []URLRef{{URL: "https://teams.example/1"}})
		}},
		{"VIGIL_NOTIFY_SLACK", "https://hooks.slack.example/2", func(c *Config) bool {
			return slices.Equal(c.Notify.Slack, []URLRef{{URL: "https://hooks.slack.example/2"}})
		}},
		{"VIGIL_NOTIFY_SMTP_ADDR", "mail.nhs.example:587", func(c *Config) bool { return c.Notify.SMTP != nil && c.Notify.SMTP.Addr == "mail.nhs.example:587" }},
		{"VIGIL_NOTIFY_SMTP_USERNAME", "vigil", func(c *Config) bool { return c.Notify.SMTP != nil && c.Notify.SMTP.Username == "vigil" }},
		{"VIGIL_NOTIFY_SMTP_PASSWORD_ENV", "SMTP_PW", func(c *Config) bool { return c.Notify.SMTP != nil && c.Notify.SMTP.PasswordEnv == "SMTP_PW" }},
		{"VIGIL_NOTIFY_SMTP_FROM", "vigil@trust.example", func(c *Config) bool { return c.Notify.SMTP != nil && c.Notify.SMTP.From == "vigil@trust.example" }},
		{"VIGIL_NOTIFY_SMTP_TO", "soc@trust.example, ciso@trust.example", func(c *Config) bool {
			return c.Notify.SMTP != nil && slices.Equal(c.Notify.SMTP.To, []string{"soc@trust.example", "ciso@trust.example"})
		}},
		{"VIGIL_NOTIFY_SMTP_STARTTLS", "required", func(c *Config) bool { return c.Notify.SMTP != nil && c.Notify.SMTP.StartTLS == "required" }},
		{"VIGIL_NOTIFY_SYSLOG", "udp://siem:514,tcp://siem2:601", func(c *Config) bool {
			return slices.Equal(c.Notify.Syslog, []SyslogTarget{{"udp", "siem:514"}, {"tcp", "siem2:601"}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			cfg := DefaultConfig()
			if err := cfg.ApplyEnv(func(k string) string { return map[string]string{tt.env: tt.value}[k] }); err != nil {
				t.Fatal(err)
			}
			if !tt.check(&cfg) {
				t.Errorf("%s=%q gave %+v", tt.env, tt.value, cfg)
			}
		})
	}
}

func TestEnvErrorsNameVariableAndKey(t *testing.T) {
	for env, value := range map[string]string{"VIGIL_FLOW_CHECK_EVERY": "often", "VIGIL_HL7_MAX_CONNECTIONS": "many", "VIGIL_NOTIFY_SYSLOG": "siem:514"} {
		cfg := DefaultConfig()
		err := cfg.ApplyEnv(func(k string) string { return map[string]string{env: value}[k] })
		if err == nil || !strings.Contains(err.Error(), env) || !strings.Contains(err.Error(), "config key") {
			t.Errorf("%s=%q: %v, want an error naming the variable and key", env, value, err)
		}
	}
}

// yamlKeys lists the dotted keys of the YAML configuration, descending
// into sections; lists and maps are one key each.
func yamlKeys(t reflect.Type, prefix string) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var keys []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
			keys = append(keys, yamlKeys(ft, prefix+name+".")...)
			continue
		}
		keys = append(keys, prefix+name)
	}
	return keys
}

// TestEveryKeyHasAVariableAndIsDocumented: each configuration key has a
// VIGIL_* variable, and docs/configuration.md names every key and variable.
func TestEveryKeyHasAVariableAndIsDocumented(t *testing.T) {
	vars := map[string]string{}
	for _, e := range envVars {
		vars[e.key] = e.name
	}
	docs, err := os.ReadFile(filepath.Join("..", "..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range yamlKeys(reflect.TypeFor[Config](), "") {
		if vars[key] == "" {
			t.Errorf("config key %s has no VIGIL_* variable", key)
		}
		if !strings.Contains(string(docs), "`"+key+"`") {
			t.Errorf("docs/configuration.md does not name key `%s`", key)
		}
	}
	for _, e := range envVars {
		if !strings.Contains(string(docs), "`"+e.name+"`") {
			t.Errorf("docs/configuration.md does not name `%s`", e.name)
		}
	}
}

// TestExampleConfigLoads: the example file in docs loads and validates.
func TestExampleConfigLoads(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.LoadConfig(filepath.Join("..", "..", "docs", "vigil.example.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.HL7.MLLP == "" || cfg.Notify.SMTP == nil || len(cfg.Notify.Webhooks) == 0 {
		t.Errorf("example config lacks the hl7 or notify sections: %+v", cfg)
	}
}
