package pgstore_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/estate/estatetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

func TestEstateStore(t *testing.T) {
	estatetest.Run(t, func(t *testing.T, dir string) estate.Store {
		return pgtest.Open(t, dir, pgstore.Options{}).Estate()
	})
}

// learnedNodesMigration is the migration that keys learned assets by node.
const learnedNodesMigration = 13

// TestEstateLearnedNodesMigration: learned assets saved before the
// migration that keys them by node (a save that replaced them all) read
// back after it as node ""'s, two assets of one host among them merged;
// a detect node's save then keeps them, and node "" saving replaces them.
func TestEstateLearnedNodesMigration(t *testing.T) {
	ctx := context.Background()
	current := pgtest.Open(t, t.TempDir(), pgstore.Options{MaxConns: 1})
	versions, err := current.Migrations(ctx)
	if err != nil || !slices.Contains(versions, learnedNodesMigration) {
		t.Fatalf("migrations %v (%v): want %d among them", versions, err, learnedNodesMigration)
	}
	schema := pgtest.Schema(t.TempDir())
	t.Cleanup(func() { dropSchema(t, current, schema) })
	oldSchema(t, current, schema, versions)

	db, err := pgstore.Open(ctx, pgtest.DSN(t), pgstore.Options{Schema: schema, MaxConns: 1})
	if err != nil {
		t.Fatalf("migrate a schema holding learned assets: %v", err)
	}
	defer db.Close()
	s := db.Estate()
	names := func(what string, want ...string) {
		t.Helper()
		as, ok, err := s.Learned(ctx)
		var got []string
		for _, a := range as {
			got = append(got, a.Name+"/"+a.OSVersion)
		}
		if err != nil || !ok || !slices.Equal(got, want) {
			t.Errorf("%s: %v (ok %v, %v), want %v", what, got, ok, err, want)
		}
	}
	rows, _ := db.Pool().Query(ctx, "SELECT node || '/' || key FROM estate_learned ORDER BY pos")
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if want := []string{"/ward9-pc", "/10.20.0.7", "/pacs-01", "/ward9-pc#4"}; err != nil || !slices.Equal(keys, want) {
		t.Errorf("rows' node/key after the migration: %v (%v), want %v", keys, err, want)
	}
	names("after the migration", "ward9-pc.trust.nhs.uk/6.1.7601", "10.20.0.7/", "PACS-01/6.3.9600")
	if err := s.SaveLearned(ctx, "det-1", []estate.Asset{{Name: "DC01", OSVersion: "6.3.9600"}}); err != nil {
		t.Fatal(err)
	}
	names("after det-1 saved", "ward9-pc.trust.nhs.uk/6.1.7601", "10.20.0.7/", "PACS-01/6.3.9600", "DC01/6.3.9600")
	if err := s.SaveLearned(ctx, "", nil); err != nil {
		t.Fatal(err)
	}
	names("after node \"\" saved none", "DC01/6.3.9600")
}

// oldSchema makes schema as it was before learnedNodesMigration: every
// other migration recorded, the estate tables as 0005 made them, and
// learned assets saved into them.
func oldSchema(t *testing.T, db *pgstore.DB, schema string, versions []int) {
	t.Helper()
	ctx := context.Background()
	estateSQL, err := os.ReadFile("migrations/0005_estate.sql")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	stmts := []string{
		"CREATE SCHEMA " + pgx.Identifier{schema}.Sanitize(),
		"SET LOCAL search_path = " + pgx.Identifier{schema}.Sanitize(),
		"CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
		string(estateSQL),
		`INSERT INTO estate_learned (pos, body) VALUES
			(1, '{"Name":"WARD9-PC","OS":"Windows 7","OSVersion":"6.1.7601","LastSeen":"2026-03-02T09:00:00Z"}'),
			(2, '{"Name":"10.20.0.7"}'),
			(3, '{"Name":"PACS-01","OSVersion":"6.3.9600"}'),
			(4, '{"Name":"ward9-pc.trust.nhs.uk","IP":"10.0.0.9","LastSeen":"2026-03-01T09:00:00Z"}')`,
		"UPDATE estate_learned_saved SET saved_at = now()",
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	for _, v := range versions {
		if v == learnedNodesMigration {
			continue
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", v); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
