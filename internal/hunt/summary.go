package hunt

import (
	"cmp"
	"slices"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/files"
)

// Summary is what a hunt read, found and skipped.
type Summary struct {
	Files         int              `json:"files"`
	Events        int64            `json:"events"`
	OutsideWindow int64            `json:"outside_window"` // read but outside --from/--to
	Detections    int64            `json:"detections"`
	ByLevel       map[string]int64 `json:"by_level"`
	TopRules      []RuleCount      `json:"top_rules"`
	Skipped       []Skip           `json:"skipped,omitempty"`
	Elapsed       time.Duration    `json:"elapsed_ns"`

	byRule map[string]*RuleCount
}

// RuleCount is how often one rule fired.
type RuleCount struct {
	RuleID string `json:"rule_id"`
	Title  string `json:"rule_title"`
	Level  string `json:"level"`
	Count  int64  `json:"count"`
}

// Skip records what could not be read in one file and why.
type Skip struct {
	File     string   `json:"file"`
	Records  int64    `json:"records"`  // broken records or lines skipped
	Unread   bool     `json:"unread"`   // the file (or its rest) could not be read
	Problems []string `json:"problems"` // the first few reasons, each naming where
}

const maxProblems = 5

func newSummary() *Summary {
	return &Summary{ByLevel: map[string]int64{}, byRule: map[string]*RuleCount{}}
}

func (s *Summary) addFile(path string, read, outside int64, st files.Stats) {
	s.Files++
	s.Events += read
	s.OutsideWindow += outside
	if st.Skipped == 0 && len(st.Problems) == 0 {
		return
	}
	sk := s.skip(path)
	sk.Records += st.Skipped
	for _, p := range st.Problems {
		if len(sk.Problems) < maxProblems {
			sk.Problems = append(sk.Problems, p.Error())
		}
	}
}

func (s *Summary) addUnreadable(path string, err error) {
	sk := s.skip(path)
	sk.Unread = true
	if len(sk.Problems) < maxProblems {
		sk.Problems = append(sk.Problems, err.Error())
	}
}

func (s *Summary) skip(path string) *Skip {
	for i := range s.Skipped {
		if s.Skipped[i].File == path {
			return &s.Skipped[i]
		}
	}
	s.Skipped = append(s.Skipped, Skip{File: path})
	return &s.Skipped[len(s.Skipped)-1]
}

func (s *Summary) addDetection(d *Detection) {
	s.Detections++
	s.ByLevel[d.Level]++
	rc := s.byRule[d.RuleID]
	if rc == nil {
		rc = &RuleCount{RuleID: d.RuleID, Title: d.RuleTitle, Level: d.Level}
		s.byRule[d.RuleID] = rc
	}
	rc.Count++
}

// finish orders what was gathered: skipped files by name, rules by count.
func (s *Summary) finish() {
	slices.SortFunc(s.Skipped, func(a, b Skip) int { return cmp.Compare(a.File, b.File) })
	s.TopRules = s.TopRules[:0]
	for _, rc := range s.byRule {
		s.TopRules = append(s.TopRules, *rc)
	}
	slices.SortFunc(s.TopRules, func(a, b RuleCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Title, b.Title)
	})
	if len(s.TopRules) > 10 {
		s.TopRules = s.TopRules[:10]
	}
}

// EventsPerSecond is the hunt's overall read rate.
func (s *Summary) EventsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Events) / s.Elapsed.Seconds()
}
