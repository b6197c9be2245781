package serve

import "fmt"

// StoreConfig is the store section: where the scaled-out roles keep
// alerts and incidents. Empty: the data folder (role all only).
type StoreConfig struct {
	Postgres PostgresConfig `yaml:"postgres"`
}

// PostgresConfig names the PostgreSQL database shared by detect and API
// nodes. DSN is a URL or key=value string (keep its password in
// VIGIL_STORE_POSTGRES_DSN or PGPASSWORD, not in the file); MaxConns
// bounds the connection pool (0: the larger of 4 and the CPUs).
type PostgresConfig struct {
	DSN      string `yaml:"dsn"`
	MaxConns int    `yaml:"max_conns"`
}

func (c *StoreConfig) validate() error {
	if c.Postgres.MaxConns < 0 {
		return fmt.Errorf("config key store.postgres.max_conns: %d is negative", c.Postgres.MaxConns)
	}
	return nil
}
