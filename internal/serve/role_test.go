package serve

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/bus"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want Role
		err  bool
	}{
		{"", RoleAll, false},
		{"all", RoleAll, false},
		{"ingest", RoleIngest, false},
		{"detect", RoleDetect, false},
		{"api", RoleAPI, false},
		{"Ingest", "", true},
		{"detector", "", true},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// TestRoleValidation: a scaled-out role refuses to start without what it
// needs, naming the key.
func TestRoleValidation(t *testing.T) {
	nats := &bus.Config{URLs: []string{"nats://127.0.0.1:4222"}}
	tests := []struct {
		name    string
		edit    func(c *Config)
		wantErr string // "" for none
	}{
		{"all needs nothing", func(c *Config) {}, ""},
		{"all ignores a bus", func(c *Config) { c.Bus.NATS = nats }, ""},
		{"unknown role", func(c *Config) { c.Role = "detector" }, "config key role"},
		{"ingest without bus", func(c *Config) { c.Role = RoleIngest }, "config key bus.nats.urls"},
		{"detect without bus", func(c *Config) { c.Role = RoleDetect }, "config key bus.nats.urls"},
		{"ingest with bus", func(c *Config) { c.Role, c.Bus.NATS = RoleIngest, nats }, ""},
		{"detect without store", func(c *Config) { c.Role, c.Bus.NATS = RoleDetect, nats }, "config key store.postgres.dsn"},
		{"api without store", func(c *Config) { c.Role = RoleAPI }, "config key store.postgres.dsn"},
		{"api with store, no bus", func(c *Config) { c.Role, c.Store.Postgres.DSN = RoleAPI, "host=db" }, ""},
		{"negative pool", func(c *Config) { c.Store.Postgres.MaxConns = -1 }, "config key store.postgres.max_conns"},
		{"bad bus key", func(c *Config) {
			c.Role, c.Bus.NATS = RoleIngest, &bus.Config{URLs: nats.URLs, LeaseTTL: time.Millisecond}
		}, "config key bus.nats.lease_ttl"},
		{"bad node", func(c *Config) {
			c.Role, c.Bus.NATS, c.Node, c.Store.Postgres.DSN = RoleDetect, nats, "detect.1", "host=db"
		}, "config key node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want an error naming %q", err, tt.wantErr)
			}
		})
	}
}

// TestDefaultNode: a detect node without a name takes its host's, made a
// valid name.
func TestDefaultNode(t *testing.T) {
	c := DefaultConfig()
	c.Role, c.Bus.NATS = RoleDetect, &bus.Config{URLs: []string{"nats://127.0.0.1:4222"}}
	c.Store.Postgres.DSN = "host=db"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !nodeName.MatchString(c.Node) {
		t.Fatalf("default node name %q is not a valid node name", c.Node)
	}
}

// TestBusEnv: the bus variables create the section and fill it.
func TestBusEnv(t *testing.T) {
	env := map[string]string{
		"VIGIL_ROLE":                 "detect",
		"VIGIL_NODE":                 "det-1",
		"VIGIL_BUS_NATS_URLS":        "nats://a:4222, nats://b:4222",
		"VIGIL_BUS_NATS_REPLICAS":    "3",
		"VIGIL_BUS_NATS_MAX_BYTES":   "2GiB",
		"VIGIL_BUS_NATS_LEASE_TTL":   "5s",
		"VIGIL_BUS_NATS_TLS_CA":      "ca.pem",
		"VIGIL_BUS_NATS_CREDENTIALS": "vigil.creds",
	}
	c := DefaultConfig()
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	n := c.Bus.NATS
	if c.Role != RoleDetect || c.Node != "det-1" || n == nil {
		t.Fatalf("role %q node %q bus %+v", c.Role, c.Node, n)
	}
	if len(n.URLs) != 2 || n.URLs[1] != "nats://b:4222" || n.Replicas != 3 || n.MaxBytes != 2<<30 ||
		n.LeaseTTL != 5*time.Second || n.TLS.CA != "ca.pem" || n.Credentials != "vigil.creds" {
		t.Fatalf("bus.nats from the environment: %+v", n)
	}
	if err := c.ApplyEnv(func(k string) string { return map[string]string{"VIGIL_ROLE": "worker"}[k] }); err == nil ||
		!strings.Contains(err.Error(), "VIGIL_ROLE") {
		t.Fatalf("VIGIL_ROLE=worker: %v, want an error naming the variable", err)
	}
}
