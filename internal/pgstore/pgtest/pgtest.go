// Package pgtest connects the tests of the PostgreSQL stores to the test
// server that scripts/test (or scripts/pg-test-env) starts, giving each
// test a schema of its own so that tests never see each other's rows.
package pgtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/pgstore"
)

// EnvDSN is the environment variable holding the test server's DSN.
const EnvDSN = "VIGIL_TEST_POSTGRES"

// DSN returns the test server's DSN, failing the test (never skipping it)
// with how to run it when none is set.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		t.Fatalf("%s is not set: these tests need a PostgreSQL server. Run them with\n"+
			"  scripts/pg-test-env run go test -race ./internal/pgstore/...\n"+
			"or `scripts/test unit`, which starts one; or set %s to a DSN such as\n"+
			"  host=/tmp/pg user=vigil dbname=vigil_test", EnvDSN, EnvDSN)
	}
	return dsn
}

// Schema is the schema name of key: the same key, the same schema.
func Schema(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return fmt.Sprintf("t_%016x", h.Sum64())
}

// Open opens a DB on the schema of key (a test's temporary folder, say),
// closed when the test ends. The first test to open a key drops its
// schema when it ends, after every DB on it is closed.
func Open(t testing.TB, key string, opts pgstore.Options) *pgstore.DB {
	t.Helper()
	dsn := DSN(t)
	opts.Schema = Schema(key)
	if opts.MaxConns == 0 {
		opts.MaxConns = 4 // seven engineers share the test server's connections
	}
	ctx := context.Background()
	if !opened(t, opts.Schema) {
		t.Cleanup(func() { drop(t, dsn, opts.Schema) })
	}
	db, err := pgstore.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("open PostgreSQL schema %s: %v", opts.Schema, err)
	}
	t.Cleanup(db.Close)
	return db
}

// opened reports whether schema already exists, as a store reopened on
// it finds it.
func opened(t testing.TB, schema string) bool {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), DSN(t))
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema).Scan(&n); err != nil {
		t.Fatalf("look for schema %s: %v", schema, err)
	}
	return n > 0
}

func drop(t testing.TB, dsn, schema string) {
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Errorf("connect to drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}

// SchemaDSN opens the schema of key as Open does (created, migrated and
// dropped at the end) and returns the test server's DSN with the schema
// as its search_path, for what connects by DSN alone: a service's
// configuration, a command's --postgres.
func SchemaDSN(t testing.TB, key string) string {
	t.Helper()
	Open(t, key, pgstore.Options{MaxConns: 1})
	dsn, schema := DSN(t), Schema(key)
	if strings.Contains(dsn, "://") { // a URL: runtime parameters go in the query
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}
