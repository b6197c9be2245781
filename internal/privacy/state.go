package privacy

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The privacy state in a data folder (vigil serve's): the last analysis's
// cases with when each was first raised, the case decisions as an
// append-only log, and the live analysis's inputs (livestate.go). Each is
// read by LoadSummary (the board pack) and at start by vigil serve.
const (
	StateDir      = "privacy"         // the folder inside the data folder
	CasesFile     = "cases.json"      // the last analysis (SavedCases)
	DecisionsFile = "decisions.jsonl" // one Decision per line, the last per case wins
)

// SavedCases is the last complete live analysis as saved in CasesFile.
type SavedCases struct {
	AnalysedAt time.Time `json:"analysed_at"`
	Summary    Summary   `json:"summary"`
	Cases      []Case    `json:"cases"`
	// Raised is when each case id was first raised by a live analysis;
	// it outlives the case (a case that a longer log no longer raises
	// keeps its decision and its moment).
	Raised map[string]time.Time `json:"raised"`
}

// saveCases writes sc to dir's CasesFile through a temporary file that is
// synced and renamed, so that a crash leaves the old file or the new one.
func saveCases(dir string, sc *SavedCases) error {
	data, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("save privacy cases: %w", err)
	}
	return writeAtomic(filepath.Join(dir, CasesFile), data)
}

// loadCases reads dir's CasesFile; a missing file is an empty SavedCases.
func loadCases(dir string) (*SavedCases, error) {
	path := filepath.Join(dir, CasesFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &SavedCases{Raised: map[string]time.Time{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("privacy cases: %w", err)
	}
	sc := &SavedCases{}
	if err := json.Unmarshal(data, sc); err != nil {
		return nil, fmt.Errorf("privacy cases %s: %w", path, err)
	}
	if sc.Raised == nil {
		sc.Raised = map[string]time.Time{}
	}
	return sc, nil
}

// readDecisions reads a decisions log: one JSON Decision per line, the
// last line of a case wins. A torn last line (a crash while appending) is
// ignored; a bad line elsewhere is an error naming its line.
func readDecisions(path string) (map[string]*Decision, error) {
	out := map[string]*Decision{}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("privacy decisions: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var pending error // a bad line is fatal only if another follows it
	for line := 1; sc.Scan(); line++ {
		if pending != nil {
			return nil, pending
		}
		if len(sc.Bytes()) == 0 {
			continue
		}
		var d Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil || d.CaseID == "" {
			pending = fmt.Errorf("privacy decisions %s:%d: not a decision: %v", path, line, err)
			continue
		}
		out[d.CaseID] = &d
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("privacy decisions %s: %w", path, err)
	}
	return out, nil
}

// writeAtomic writes data to path through a synced temporary file renamed
// over it, then syncs the folder.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
