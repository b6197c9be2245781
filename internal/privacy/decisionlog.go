package privacy

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// decisionLog appends decisions to a file, one JSON object a line, each
// synced: a decision is rare and must survive a crash once recorded.
type decisionLog struct {
	f    *os.File
	path string
}

// OpenDecisions reads the decisions log at path (DecisionsFile in the
// privacy state folder; missing is empty) and returns the decisions it
// holds, appending every later change to it. Close the result when done.
func OpenDecisions(path string) (*Decisions, error) {
	m, err := readDecisions(path)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("privacy decisions: %w", err)
	}
	return &Decisions{m: m, log: &decisionLog{f: f, path: path}}, nil
}

// persist appends d to the log, if any. The caller holds ds.mu.
func (ds *Decisions) persist(d *Decision) error {
	if ds.log == nil {
		return nil
	}
	b, err := json.Marshal(d)
	if err == nil {
		_, err = ds.log.f.Write(append(b, '\n'))
	}
	if err == nil {
		err = ds.log.f.Sync()
	}
	if err != nil {
		err = fmt.Errorf("append to %s: %w", ds.log.path, err)
		if ds.werr == nil {
			ds.werr = err
		}
	}
	return err
}

// Err returns the first failure to save a decision, or nil.
func (ds *Decisions) Err() error {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	return ds.werr
}

// All returns every decision, ordered by case id.
func (ds *Decisions) All() []Decision {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	out := make([]Decision, 0, len(ds.m))
	for _, id := range slices.Sorted(maps.Keys(ds.m)) {
		out = append(out, *ds.m[id])
	}
	return out
}

// Close closes the decisions log, if any; later changes are kept in
// memory only.
func (ds *Decisions) Close() error {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.log == nil {
		return nil
	}
	err := ds.log.f.Close()
	ds.log = nil
	return err
}

// outcomeName is an outcome's name in summaries: "open" for undecided.
func outcomeName(o Outcome) string {
	if o == OutcomeOpen {
		return "open"
	}
	return strings.ToLower(string(o))
}
