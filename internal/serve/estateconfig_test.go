package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
)

// TestLearnedMaxAgeConfig: estate.learned_max_age defaults to 90 days,
// 0 in the file keeps learned assets for ever, the environment
// overrides it, and a negative one is refused naming the key.
func TestLearnedMaxAgeConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.yaml")
	tests := []struct {
		name, file string
		env        map[string]string
		want       time.Duration
		err        string
	}{
		{name: "default", want: estate.DefaultLearnedMaxAge},
		{name: "0 keeps for ever", file: "estate:\n  learned_max_age: 0s\n", want: 0},
		{name: "from the file", file: "estate:\n  learned_max_age: 720h\n", want: 720 * time.Hour},
		{name: "from the environment", file: "estate:\n  learned_max_age: 720h\n", env: map[string]string{"VIGIL_ESTATE_LEARNED_MAX_AGE": "24h"}, want: 24 * time.Hour},
		{name: "negative", env: map[string]string{"VIGIL_ESTATE_LEARNED_MAX_AGE": "-1h"}, err: "config key estate.learned_max_age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			if tt.file != "" {
				if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := c.LoadConfig(path); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.ApplyEnv(func(k string) string { return tt.env[k] }); err != nil {
				t.Fatal(err)
			}
			err := c.Validate()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Validate: %v, want an error naming %s", err, tt.err)
				}
				return
			}
			if err != nil || c.Estate.LearnedMaxAge != tt.want {
				t.Fatalf("learned_max_age %v, %v; want %v", c.Estate.LearnedMaxAge, err, tt.want)
			}
		})
	}
}
