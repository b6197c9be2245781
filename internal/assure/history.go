package assure

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Assessment is the framework's results at one moment, kept so that
// trends show.
type Assessment struct {
	At        time.Time `json:"at"`
	Framework string    `json:"framework"` // CAF version
	Results   []Result  `json:"results"`
}

// Trend is how an outcome moved between two assessments.
type Trend struct {
	Outcome string `json:"outcome"`
	Before  Status `json:"before"`
	Now     Status `json:"now"`
}

// Moved lists the outcomes whose status differs between before and now,
// in now's order.
func Moved(before, now Assessment) []Trend {
	was := map[string]Status{}
	for _, r := range before.Results {
		was[r.Outcome] = r.Status
	}
	var out []Trend
	for _, r := range now.Results {
		if w := was[r.Outcome]; w != r.Status {
			out = append(out, Trend{Outcome: r.Outcome, Before: w, Now: r.Status})
		}
	}
	return out
}

// AppendHistory adds a to the JSON-lines history file at path and syncs it.
func AppendHistory(path string, a Assessment) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("assessment history: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("assessment history %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("assessment history %s: %w", path, err)
	}
	return f.Close()
}

// ReadHistory reads the history file, oldest first; a missing file is an
// empty history. A line that does not decode is an error naming it, except
// a last line cut short by a crash, which is dropped.
func ReadHistory(path string) ([]Assessment, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("assessment history: %w", err)
	}
	defer f.Close()
	var out []Assessment
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var bad error
	for line := 1; sc.Scan(); line++ {
		if bad != nil { // a bad line followed by more: not a torn tail
			return nil, bad
		}
		var a Assessment
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			bad = fmt.Errorf("assessment history %s:%d: %w", path, line, err)
			continue
		}
		out = append(out, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("assessment history %s: %w", path, err)
	}
	return out, nil
}
