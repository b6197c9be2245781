package serve

import (
	"strings"
	"testing"
)

func TestStoreConfig(t *testing.T) {
	tests := []struct {
		name     string
		dsn      string
		maxConns int
		wantErr  string // a part of the error; "" for none
	}{
		{"none", "", 0, ""},
		{"url", "postgres://vigil@db1:5432/vigil?sslmode=verify-full", 8, ""},
		{"postgresql url", "postgresql://db1/vigil", 0, ""},
		{"key value", "host=db1 dbname=vigil user=vigil", 0, ""},
		{"negative pool", "host=db1", -1, "store.postgres.max_conns"},
		{"pool without dsn", "", 4, "store.postgres.max_conns"},
		{"not a dsn", "db1", 0, "store.postgres.dsn"},
		{"bad url, password kept out", "postgres://vigil:s3cret@db1:port/x", 0, "store.postgres.dsn"},
	}
	for _, tc := range tests {
		c := DefaultConfig()
		c.Store.Postgres = PostgresConfig{DSN: tc.dsn, MaxConns: tc.maxConns}
		err := c.Validate()
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want one naming %s", tc.name, err, tc.wantErr)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("%s: the error shows the password: %v", tc.name, err)
		}
		if c.Store.Postgres.Enabled() != (tc.dsn != "") {
			t.Errorf("%s: Enabled() = %v", tc.name, c.Store.Postgres.Enabled())
		}
	}
}

func TestStoreConfigFromEnv(t *testing.T) {
	env := map[string]string{"VIGIL_STORE_POSTGRES_DSN": "host=db1 dbname=vigil", "VIGIL_STORE_POSTGRES_MAX_CONNS": "12"}
	c := DefaultConfig()
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.Store.Postgres.DSN != "host=db1 dbname=vigil" || c.Store.Postgres.MaxConns != 12 {
		t.Fatalf("from the environment: %+v", c.Store.Postgres)
	}
}
