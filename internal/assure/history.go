package assure

import "time"

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
	return appendJSONLine(path, "assessment history", a)
}

// ReadHistory reads the history file, oldest first; a missing file is an
// empty history. A line that does not decode is an error naming it, except
// a last line cut short by a crash, which is dropped.
func ReadHistory(path string) ([]Assessment, error) {
	return readJSONLines[Assessment](path, "assessment history")
}
