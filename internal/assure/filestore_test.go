package assure_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/assure/assuretest"
)

func openFileStore(t *testing.T, dir string) assure.Store {
	s, err := assure.OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFileStore(t *testing.T) {
	assuretest.Run(t, openFileStore)
}

// TestFileStoreTornLine: a line a crash left half written is dropped when
// the store opens, and the next append starts a whole line, in both files.
func TestFileStoreTornLine(t *testing.T) {
	tests := []struct {
		name, file, torn string
	}{
		{"history", assure.HistoryFile, `{"at":"2025-03-04T10:00:00Z","framework":"3.`},
		{"evidence", assure.EvidenceFile, `{"id":"ev-9","indicators":["B6`},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openFileStore(t, dir)
			ev := assure.Evidence{ID: "ev-1", Indicators: []string{"B6.b.3"}, Holds: true, Source: "manual", Collected: time.Now()}
			if err := s.RecordEvidence(ctx, ev); err != nil {
				t.Fatal(err)
			}
			if err := s.AppendAssessment(ctx, assure.Assessment{At: time.Now(), Framework: "3.2"}); err != nil {
				t.Fatal(err)
			}
			s.Close()
			path := filepath.Join(dir, filepath.FromSlash(tc.file))
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(tc.torn)
			f.Close()
			s = openFileStore(t, dir)
			defer s.Close()
			ev.ID = "ev-2"
			if err := s.RecordEvidence(ctx, ev); err != nil {
				t.Fatal(err)
			}
			if err := s.AppendAssessment(ctx, assure.Assessment{At: time.Now(), Framework: "4.0"}); err != nil {
				t.Fatal(err)
			}
			evs, err := s.Evidence(ctx)
			if err != nil || len(evs) != 2 {
				t.Fatalf("evidence after a torn line: %d items, %v; want 2", len(evs), err)
			}
			as, err := s.History(ctx)
			if err != nil || len(as) != 2 {
				t.Fatalf("history after a torn line: %d assessments, %v; want 2", len(as), err)
			}
			data, _ := os.ReadFile(path)
			if strings.Contains(string(data), tc.torn) {
				t.Fatalf("the torn line is still in %s", tc.file)
			}
		})
	}
}

// TestFileStoreReadsReportHistory: the store reads a history written by
// AppendHistory at the data folder's history path, as reports have kept it.
func TestFileStoreReadsReportHistory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, filepath.FromSlash(assure.HistoryFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	a := assure.Assessment{At: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), Framework: "3.2",
		Results: []assure.Result{{Outcome: "A1.a", Status: assure.Achieved}}}
	if err := assure.AppendHistory(path, a); err != nil {
		t.Fatal(err)
	}
	s := openFileStore(t, dir)
	defer s.Close()
	got, err := s.History(context.Background())
	if err != nil || len(got) != 1 || got[0].Results[0].Status != assure.Achieved {
		t.Fatalf("History: %+v, %v", got, err)
	}
}
