package pgstore_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// blocksMigration is the migration that moved the search indexes to
// event_blocks.
const blocksMigration = 17

// TestEventBlocksMigration: a database at migration 0015 with events of
// the single log and of a partition, as that schema stored them, is
// migrated with its events kept, and answers every search as a database
// that stored the same events after the migration; events stored after
// it are found beside them.
func TestEventBlocksMigration(t *testing.T) {
	ctx := context.Background()
	key := t.TempDir()
	fresh := pgtest.Open(t, key, pgstore.Options{})
	schema := pgtest.Schema(key + "/old")
	t.Cleanup(func() { dropSchema(t, fresh, schema) })
	logRecs, partRecs := storetest.Records(1, sameCorpus()...), detectEvents(30)
	oldEventSchema(t, fresh, schema, 15, logRecs, partRecs)

	db, err := pgstore.Open(ctx, pgtest.DSN(t), pgstore.Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatalf("open the schema at migration 15: %v", err)
	}
	defer db.Close()
	if vs, err := db.Migrations(ctx); err != nil || !slices.Contains(vs, blocksMigration) {
		t.Fatalf("migrations %v (%v): %d not applied", vs, err, blocksMigration)
	}
	var blocks, gins int
	err = db.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM event_blocks),
		(SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname IN ('events_fields', 'events_text'))`, schema).Scan(&blocks, &gins)
	if err != nil || blocks != len(logRecs)+len(partRecs) || gins != 0 {
		t.Fatalf("after the migration: %d blocks, %d of the events' GIN indexes (%v); want a block per event and none", blocks, gins, err)
	}
	old, now := db.Events(eventstore.Options{}), fresh.Events(eventstore.Options{})
	if err := now.Append(ctx, logRecs); err != nil {
		t.Fatal(err)
	}
	if err := now.AppendPartition(ctx, 4, partRecs); err != nil {
		t.Fatal(err)
	}
	if pos, err := old.Position(ctx); err != nil || pos != uint64(len(logRecs)) {
		t.Fatalf("position after the migration %d, %v; want %d", pos, err, len(logRecs))
	}
	sameAnswers(t, "migrated", old, now)
	more := detectEvents(40)[25:] // 26 to 30 again, and 31 to 40
	for _, s := range []*pgstore.EventStore{old, now} {
		if err := s.AppendPartition(ctx, 4, more); err != nil {
			t.Fatal(err)
		}
	}
	sameAnswers(t, "migrated, then stored more", old, now)
	r, err := old.Search(ctx, eventstore.Query{Text: "source:detect", Limit: eventstore.MaxLimit})
	if err != nil || r.Matched != 40 {
		t.Fatalf("source:detect after storing more: %v matched, %v; want 40", r, err)
	}
}

// sameAnswers checks that a and b answer each query alike.
func sameAnswers(t *testing.T, what string, a, b eventstore.Store) {
	t.Helper()
	since := storetest.Base.Add(10 * 60e9)
	queries := []eventstore.Query{
		{}, {Text: "EventID:4624"}, {Text: "Index:7 OR Index:70 OR host:srv-2.corp.local"}, {Text: "mimikatz"},
		{Text: `image:*\mimikatz.exe`}, {Text: `"100%_done"`}, {Text: "Score>=20 Score<40"}, {Text: "Tag:t3"},
		{Text: "host:SRV-*"}, {Text: "source:sysmon category:process_creation"}, {Text: `"logon number 11"`},
		{Text: "deny 445"}, {Text: "source:detect Index:12"}, {Text: "nosuchfield:x"}, {Text: "byte.exe"},
		{Text: "EventID:4624", Since: since, Buckets: 7},
	}
	for _, q := range queries {
		q.Limit = eventstore.MaxLimit
		ra, err := a.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := b.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(hitSeqs(ra), hitSeqs(rb)) || ra.Matched != rb.Matched || !slices.Equal(ra.Histogram, rb.Histogram) {
			t.Errorf("%s, %q: found %v of %d; stored after the migration %v of %d", what, q.Text, hitSeqs(ra), ra.Matched, hitSeqs(rb), rb.Matched)
		}
	}
}

// oldEventSchema makes schema as migrations 1 to upTo left it, with the
// log's and partition 4's events stored in it as that schema held them.
func oldEventSchema(t *testing.T, db *pgstore.DB, schema string, upTo int, logRecs, partRecs []eventstore.Record) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	exec("CREATE SCHEMA " + pgx.Identifier{schema}.Sanitize())
	exec("SET LOCAL search_path = " + pgx.Identifier{schema}.Sanitize())
	exec("CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	for _, f := range files {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		if err != nil || v > upTo {
			continue
		}
		sql, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		exec(string(sql))
		exec("INSERT INTO schema_migrations (version) VALUES ($1)", v)
	}
	insert := func(p int, recs []eventstore.Record) {
		for _, r := range recs {
			tn, fields, text := pgstore.IndexEvent(r.Data)
			exec(`INSERT INTO events (partition, seq, time_ns, stored_ns, bytes, data, fields, text_lower)
				VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`, p, int64(r.Seq), tn, storetest.Base.UnixNano(), len(r.Data), r.Data, string(fields), text)
		}
	}
	insert(-1, logRecs)
	insert(4, partRecs)
	exec("UPDATE event_position SET position = $1", len(logRecs))
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
