package privacy

import (
	"path/filepath"
	"slices"
	"time"
)

// SavedSummary is what the board pack shows of the patient-data guardian:
// the last live analysis and the decisions on its cases, read from a data
// folder by LoadSummary. It holds counts and times, no patient or user.
type SavedSummary struct {
	// Analysed is false when the folder holds no analysis yet (then the
	// counts are of decisions only); AnalysedAt is when the last ran and
	// AsOf when the summary was made (the 72-hour clocks run to it).
	Analysed   bool      `json:"analysed"`
	AnalysedAt time.Time `json:"analysed_at,omitzero"`
	AsOf       time.Time `json:"as_of"`
	// Accesses and Explained are of the last analysis.
	Accesses  int `json:"accesses"`
	Explained int `json:"explained"`
	// Cases counts the cases of the last analysis, ByKind by kind (a case
	// counts under each of its kinds) and ByOutcome by the decision on
	// it: open, appropriate, counselled, escalated, reported. Decided
	// counts every decision recorded, including on cases a later analysis
	// no longer raises.
	Cases     int            `json:"cases"`
	ByKind    map[string]int `json:"by_kind"`
	ByOutcome map[string]int `json:"by_outcome"`
	Decided   int            `json:"decided"`
	// TimeToDecision is from when a case was first raised to its outcome
	// being recorded, over the decided cases whose raising was saved.
	TimeToDecision DurationStats `json:"time_to_decision"`
	// Breaches are the cases confirmed as reportable personal data
	// breaches, oldest first, with their 72-hour clocks.
	Breaches []BreachClock `json:"breaches"`
	// BreachesMet counts breaches reported within 72 hours of
	// confirmation; BreachesMissed those reported late or still
	// unreported past the deadline; BreachesPending those still within it.
	BreachesMet    int `json:"breaches_met"`
	BreachesMissed int `json:"breaches_missed"`
	BreachesOpen   int `json:"breaches_pending"`
}

// DurationStats summarises durations: how many, the median, the mean and
// the longest (zero when N is 0).
type DurationStats struct {
	N      int           `json:"n"`
	Median time.Duration `json:"median"`
	Mean   time.Duration `json:"mean"`
	Max    time.Duration `json:"max"`
}

// BreachClock is one confirmed breach's 72-hour clock.
type BreachClock struct {
	CaseID    string    `json:"case_id"`
	Confirmed time.Time `json:"confirmed"`
	Deadline  time.Time `json:"deadline"`
	Reported  time.Time `json:"reported,omitzero"` // zero: not yet reported
	// Met: reported by the deadline; Overdue: not met and the deadline
	// has passed (as of AsOf).
	Met     bool `json:"met"`
	Overdue bool `json:"overdue"`
}

// LoadSummary reads the privacy state that vigil serve saves in the data
// folder dataDir (StateDir: the last analysis and the decisions log) and
// summarises it as of now. It only reads: it is safe while vigil serve
// runs. A folder with no privacy state gives an empty summary and no
// error; an unreadable or corrupt file is an error naming it.
func LoadSummary(dataDir string) (SavedSummary, error) {
	dir := filepath.Join(dataDir, StateDir)
	sc, err := loadCases(dir)
	if err != nil {
		return SavedSummary{}, err
	}
	ds, err := readDecisions(filepath.Join(dir, DecisionsFile))
	if err != nil {
		return SavedSummary{}, err
	}
	return summarise(sc, ds, time.Now()), nil
}

// summarise counts sc's cases and the decisions ds as of now.
func summarise(sc *SavedCases, dec *Decisions, now time.Time) SavedSummary {
	ds := dec.m
	s := SavedSummary{
		Analysed: !sc.AnalysedAt.IsZero(), AnalysedAt: sc.AnalysedAt, AsOf: now,
		Accesses: sc.Summary.Accesses, Explained: sc.Summary.Explained, Cases: len(sc.Cases),
		ByKind: map[string]int{}, ByOutcome: map[string]int{}, Breaches: []BreachClock{},
	}
	for _, c := range sc.Cases {
		for _, k := range c.Kinds {
			s.ByKind[k]++
		}
		o := OutcomeOpen
		if d, ok := ds[c.ID]; ok {
			o = d.Outcome
		}
		s.ByOutcome[outcomeName(o)]++
	}
	var waits []time.Duration
	for _, d := range ds {
		if d.Outcome != OutcomeOpen {
			s.Decided++
			if r, ok := sc.Raised[d.CaseID]; ok && !d.At.Before(r) {
				waits = append(waits, d.At.Sub(r))
			}
		}
		if dl, ok := d.Deadline(); ok {
			s.addBreach(BreachClock{CaseID: d.CaseID, Confirmed: d.BreachConfirmed, Deadline: dl, Reported: d.ReportedAt,
				Met: !d.ReportedAt.IsZero() && !d.Overdue(now), Overdue: d.Overdue(now)})
		}
	}
	slices.SortFunc(s.Breaches, func(a, b BreachClock) int { return a.Confirmed.Compare(b.Confirmed) })
	s.TimeToDecision = durationStats(waits)
	return s
}

func (s *SavedSummary) addBreach(b BreachClock) {
	s.Breaches = append(s.Breaches, b)
	switch {
	case b.Met:
		s.BreachesMet++
	case b.Overdue:
		s.BreachesMissed++
	default:
		s.BreachesOpen++
	}
}

func durationStats(ds []time.Duration) DurationStats {
	if len(ds) == 0 {
		return DurationStats{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	mid := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		mid = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return DurationStats{N: len(ds), Median: mid, Mean: sum / time.Duration(len(ds)), Max: ds[len(ds)-1]}
}

// outcomeName is an outcome's name in summaries: "open" for undecided.
func outcomeName(o Outcome) string {
	if o == OutcomeOpen {
		return "open"
	}
	return string(o)
}
