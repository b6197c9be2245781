package serve

import (
	"fmt"
	"net/url"
	"strings"
)

// StoreConfig says where the shared state is kept when Vigil runs as
// several nodes. Empty (the default) keeps everything in the data folder.
type StoreConfig struct {
	Postgres PostgresConfig `yaml:"postgres"`
}

// PostgresConfig is the PostgreSQL database of the shared state
// (internal/pgstore). DSN is a postgres:// URL or key=value pairs, as
// libpq takes them; put the password in PGPASSWORD or a .pgpass file
// rather than in the DSN. MaxConns bounds the connection pool of each
// node (0: the pool's default, the larger of 4 and the number of CPUs).
// Events (default true) says whether the detect nodes store every event
// there for search; false keeps PostgreSQL to alerts, incidents and the
// rest of the shared state, for a deployment too large for one primary to
// index every event (docs/scale-out.md).
type PostgresConfig struct {
	DSN      string `yaml:"dsn"`
	MaxConns int    `yaml:"max_conns"`
	Events   *bool  `yaml:"events"`
}

// Enabled reports whether the shared state is in PostgreSQL.
func (p PostgresConfig) Enabled() bool { return p.DSN != "" }

// StoresEvents reports whether the searchable events are kept in
// PostgreSQL: store.postgres.events, true unless set false.
func (p PostgresConfig) StoresEvents() bool { return p.Events == nil || *p.Events }

// validate checks the form of the DSN only; whether the database answers
// is known when the service connects.
func (s *StoreConfig) validate() error {
	p := s.Postgres
	if p.MaxConns < 0 {
		return fmt.Errorf("config key store.postgres.max_conns: %d is negative", p.MaxConns)
	}
	if p.DSN == "" {
		if p.MaxConns != 0 {
			return fmt.Errorf("config key store.postgres.max_conns: set without store.postgres.dsn")
		}
		if p.Events != nil {
			return fmt.Errorf("config key store.postgres.events: set without store.postgres.dsn")
		}
		return nil
	}
	if strings.HasPrefix(p.DSN, "postgres://") || strings.HasPrefix(p.DSN, "postgresql://") {
		if _, err := url.Parse(p.DSN); err != nil {
			// url's message repeats the URL, password and all: name the key only.
			return fmt.Errorf("config key store.postgres.dsn: not a valid postgres:// URL")
		}
		return nil
	}
	if !strings.Contains(p.DSN, "=") {
		return fmt.Errorf("config key store.postgres.dsn: want a postgres:// URL or key=value pairs such as \"host=db1 dbname=vigil user=vigil\"")
	}
	return nil
}
