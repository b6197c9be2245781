package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		ok   bool
	}{
		{"1048576", 1 << 20, true},
		{"10GB", 10e9, true},
		{"10GiB", 10 << 30, true},
		{"1.5 MB", 1.5e6, true},
		{"512MiB", 512 << 20, true},
		{"20B", 20, true},
		{"ten", 0, false},
		{"-1GB", 0, false},
		{"", 0, false},
		{"99999999TB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseByteSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestEventsConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.yaml")
	if err := os.WriteFile(path, []byte("events:\n  max_age: 48h\n  max_bytes: 2GB\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	if c.Events.MaxAge != DefaultEventsMaxAge || c.Events.MaxBytes != DefaultEventsMaxBytes {
		t.Fatalf("defaults %+v", c.Events)
	}
	if err := c.LoadConfig(path); err != nil {
		t.Fatal(err)
	}
	if c.Events.MaxAge != 48*time.Hour || c.Events.MaxBytes != 2e9 {
		t.Fatalf("from the file: %+v", c.Events)
	}
	env := map[string]string{"VIGIL_EVENTS_MAX_AGE": "12h", "VIGIL_EVENTS_MAX_BYTES": "3GiB"}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.Events.MaxAge != 12*time.Hour || c.Events.MaxBytes != 3<<30 {
		t.Fatalf("from the environment: %+v", c.Events)
	}
	bad := []struct {
		cfg  EventsConfig
		want string
	}{
		{EventsConfig{MaxAge: -time.Hour}, "events.max_age"},
		{EventsConfig{MaxBytes: 1000}, "events.max_bytes"},
	}
	for _, b := range bad {
		c := DefaultConfig()
		c.Events = b.cfg
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", b.cfg, err, b.want)
		}
	}
	if err := os.WriteFile(path, []byte("events:\n  max_bytes: lots\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := DefaultConfig()
	if err := fresh.LoadConfig(path); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a bad max_bytes: %v, want an error naming line 2", err)
	}
	env = map[string]string{"VIGIL_EVENTS_MAX_BYTES": "lots"}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "VIGIL_EVENTS_MAX_BYTES") {
		t.Errorf("a bad VIGIL_EVENTS_MAX_BYTES: %v", err)
	}
}
