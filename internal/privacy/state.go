package privacy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/vigilhealth/vigil/internal/atomicfile"
)

// The privacy state in a data folder (vigil serve's): the last analysis's
// cases with when each was first raised, the decisions on them (a
// DecisionLog), and the live analysis's inputs (livestate.go). Each is
// read by LoadSummary (the board pack) and at start by vigil serve.
const (
	StateDir      = "privacy"         // the folder inside the data folder
	CasesFile     = "cases.json"      // the last analysis (SavedCases)
	DecisionsFile = "decisions.jsonl" // the DecisionLog
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
	// SavedBy names the node that saved the analysis, where several
	// share one store; "" for the single process.
	SavedBy string `json:"saved_by,omitempty"`
}

// saveCases writes sc to dir's CasesFile through a temporary file that is
// synced and renamed, so that a crash leaves the old file or the new one.
func saveCases(dir string, sc *SavedCases) error {
	data, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("save privacy cases: %w", err)
	}
	return atomicfile.Write(filepath.Join(dir, CasesFile), data, 0o600)
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

// readDecisions replays the decision log at path (DecisionLog's file)
// without writing to it: a missing file is no decisions, a torn last line
// (a write in progress, or a crash) is left out.
func readDecisions(path string) (*Decisions, error) {
	ds := NewDecisions()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ds, nil
	}
	if err != nil {
		return nil, fmt.Errorf("privacy decisions: %w", err)
	}
	defer f.Close()
	if _, err := replayDecisions(f, path, ds); err != nil {
		return nil, err
	}
	return ds, nil
}
