package assure

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vigilhealth/vigil/internal/storeguard"
)

// The FileStore's files inside a data folder.
const (
	HistoryFile  = "assure/history.jsonl"  // one assessment a line (AppendHistory)
	EvidenceFile = "assure/evidence.jsonl" // one recorded evidence item a line, corrections appended
)

// FileStore is the embedded Store: two JSON-lines files in the data
// folder, each line appended and synced. The history file is the one
// AppendHistory and ReadHistory use, so reports read it as before.
type FileStore struct {
	guard    storeguard.Guard
	history  string
	evidence string
}

var _ Store = (*FileStore)(nil)

// OpenFileStore opens the store in dataDir, creating its folder. A last
// line cut short by a crash is cut off, so that the next append starts a
// whole line.
func OpenFileStore(dataDir string) (*FileStore, error) {
	s := &FileStore{
		history:  filepath.Join(dataDir, filepath.FromSlash(HistoryFile)),
		evidence: filepath.Join(dataDir, filepath.FromSlash(EvidenceFile)),
	}
	if err := os.MkdirAll(filepath.Dir(s.history), 0o750); err != nil {
		return nil, fmt.Errorf("assure: open store: %w", err)
	}
	err := cutTornLine[Assessment](s.history)
	if err == nil {
		err = cutTornLine[Evidence](s.evidence)
	}
	if err != nil {
		return nil, fmt.Errorf("assure: open store: %w", err)
	}
	return s, nil
}

// use runs fn under the lock unless the store is closed or ctx is done.
func (s *FileStore) use(ctx context.Context, fn func() error) error {
	return s.guard.Do(ctx, ErrClosed, fn)
}

// RecordEvidence implements Store.
func (s *FileStore) RecordEvidence(ctx context.Context, e Evidence) error {
	if err := e.Check(); err != nil {
		return err
	}
	return s.use(ctx, func() error {
		return appendJSONLine(s.evidence, "recorded evidence", e)
	})
}

// Evidence implements Store with ReadEvidence.
func (s *FileStore) Evidence(ctx context.Context) ([]Evidence, error) {
	var out []Evidence
	err := s.use(ctx, func() error {
		var err error
		out, err = ReadEvidence(s.evidence)
		return err
	})
	return out, err
}

// ReadEvidence reads the recorded evidence file at path (EvidenceFile in
// a data folder) without changing it, so a report may read it while the
// service runs: the log replayed, the last line of an ID winning in the
// place of its first. A missing file is no evidence; a last line cut
// short by a crash is dropped.
func ReadEvidence(path string) ([]Evidence, error) {
	all, err := readJSONLines[Evidence](path, "recorded evidence")
	return latestByID(all), err
}

// latestByID keeps one item per ID: the last, where the first stood.
func latestByID(all []Evidence) []Evidence {
	at := make(map[string]int, len(all))
	var out []Evidence
	for _, e := range all {
		if i, ok := at[e.ID]; ok {
			out[i] = e
			continue
		}
		at[e.ID] = len(out)
		out = append(out, e)
	}
	return out
}

// AppendAssessment implements Store with AppendHistory.
func (s *FileStore) AppendAssessment(ctx context.Context, a Assessment) error {
	return s.use(ctx, func() error { return AppendHistory(s.history, a) })
}

// History implements Store with ReadHistory.
func (s *FileStore) History(ctx context.Context) ([]Assessment, error) {
	var out []Assessment
	err := s.use(ctx, func() error {
		var err error
		out, err = ReadHistory(s.history)
		return err
	})
	return out, err
}

// Close implements Store.
func (s *FileStore) Close() error {
	return s.guard.Close(nil)
}
