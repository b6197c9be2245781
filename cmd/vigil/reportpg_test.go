package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestReportFromPostgres: vigil report board|staff --postgres DSN writes
// the reports from the shared database of a scaled-out deployment (no
// data folder), --record keeps the assessment there, and a database that
// does not answer is an error naming --postgres.
func TestReportFromPostgres(t *testing.T) {
	key := t.TempDir()
	dsn := pgtest.SchemaDSN(t, key)
	db := pgtest.Open(t, key, pgstore.Options{MaxConns: 1})
	seen := time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC)
	a := &alert.Alert{ID: "a1", RuleID: "r1", RuleTitle: "Ransomware note written", Level: "critical", Host: "WARD-PC-01", Key: "k",
		Count: 1, FirstSeen: seen, LastSeen: seen, Status: alert.StatusOpen, IncidentID: "i1"}
	inc := &alert.Incident{ID: "i1", Title: "Ransomware on WARD-PC-01", Level: "critical", Status: alert.StatusOpen,
		FirstSeen: seen, LastSeen: seen, AlertIDs: []string{"a1"}, Hosts: []string{"WARD-PC-01"}}
	if err := db.Alerts().Commit(context.Background(), 1, []*alert.Alert{a}, []*alert.Incident{inc}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	caf := sharedtest.Path(t, "caf", "caf-v3.2.yaml")
	tests := []struct {
		name string
		args []string
		file string
		want []string // in the file written
	}{
		{"board html", []string{"board", "--postgres", dsn, "--period", "2026-Q3", "--caf", caf, "--record", "--format", "html"}, "board.html",
			[]string{"<!DOCTYPE html>", "Ransomware on WARD-PC-01", "July to September 2026"}},
		{"board pdf", []string{"board", "--postgres", dsn, "--period", "2026-Q3", "--format", "pdf"}, "board.pdf", []string{"%PDF-1.4", "%%EOF"}},
		{"staff html", []string{"staff", "--postgres", dsn, "--month", "2026-08", "--format", "html"}, "staff.html", []string{"<!DOCTYPE html>", "August 2026"}},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		path := filepath.Join(out, tc.file)
		if err := reportCmd(append(tc.args, "--output", path), &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v (stderr %q)", tc.name, err, stderr.String())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: the report lacks %q", tc.name, w)
			}
		}
	}
	if h, err := db.Assure().History(context.Background()); err != nil || len(h) != 1 {
		t.Errorf("--record kept %d assessments in the database (%v), want 1", len(h), err)
	}
	err := reportCmd([]string{"board", "--postgres", "host=/nonexistent dbname=x connect_timeout=1", "--format", "html", "--output", filepath.Join(out, "x.html")}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "--postgres") {
		t.Errorf("an unreachable database: %v, want an error naming --postgres", err)
	}
}
