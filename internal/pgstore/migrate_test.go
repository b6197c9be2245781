package pgstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestMigrateConcurrently starts several nodes on a new schema at once:
// the advisory lock lets one apply the migrations and the others find
// them applied, so every one opens and each version is recorded once.
func TestMigrateConcurrently(t *testing.T) {
	dsn := pgtest.DSN(t)
	key := t.TempDir()
	first := pgtest.Open(t, key, pgstore.Options{}) // registers the schema's clean-up
	want, err := first.Migrations(context.Background())
	if err != nil || len(want) == 0 {
		t.Fatalf("migrations after the first open: %v, %v", want, err)
	}
	schema := pgtest.Schema(key + "/concurrent")
	t.Cleanup(func() { dropSchema(t, first, schema) })
	const nodes = 4
	var wg sync.WaitGroup
	dbs := make([]*pgstore.DB, nodes)
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Go(func() {
			dbs[i], errs[i] = pgstore.Open(context.Background(), dsn, pgstore.Options{Schema: schema, MaxConns: 2})
		})
	}
	wg.Wait()
	for i := range nodes {
		if errs[i] != nil {
			t.Fatalf("node %d of %d starting together: %v", i+1, nodes, errs[i])
		}
		defer dbs[i].Close()
	}
	got, err := dbs[0].Migrations(context.Background())
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("versions recorded after concurrent starts: %v (%v), want %v once each", got, err, want)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct{ name, dsn string }{
		{"unparsable dsn", "postgres://%zz"},
		{"no such database", pgtest.DSN(t) + " dbname=vigil_no_such_database"},
	}
	for _, tc := range tests {
		db, err := pgstore.Open(context.Background(), tc.dsn, pgstore.Options{})
		if err == nil {
			db.Close()
			t.Errorf("%s: Open succeeded", tc.name)
		}
	}
	if _, err := pgstore.Open(context.Background(), pgtest.DSN(t), pgstore.Options{MaxConns: -1}); err == nil {
		t.Error("Open accepted MaxConns -1")
	}
}

func dropSchema(t *testing.T, db *pgstore.DB, schema string) {
	if _, err := db.Pool().Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}
