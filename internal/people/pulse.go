package people

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"sync"
)

// Question is one of the four pulse questions.
type Question int

// The pulse questions, as national surveys of NHS staff ask them.
const (
	QRole     Question = iota // I understand my role in protecting the organisation from cyber attack
	QMeasures                 // current measures are sufficient to defend against attacks
	QTrust                    // I trust that patient data is protected
	QTraining                 // I receive regular cyber security training
	numQuestions
)

// QuestionText is the wording shown to staff, by question.
var QuestionText = [numQuestions]string{
	QRole:     "I understand my role in protecting the organisation from cyber attack.",
	QMeasures: "The organisation's current measures are sufficient to defend against cyber attacks.",
	QTrust:    "I trust that patient data is protected.",
	QTraining: "I receive regular cyber security training.",
}

// questionKeys name the questions in JSON and results.
var questionKeys = [numQuestions]string{"role", "measures", "trust", "training"}

// String returns the question's key ("role", "measures", "trust", "training").
func (q Question) String() string {
	if q < 0 || q >= numQuestions {
		return "unknown"
	}
	return questionKeys[q]
}

// MarshalText writes the question's key.
func (q Question) MarshalText() ([]byte, error) { return []byte(q.String()), nil }

// UnmarshalText reads a question's key, so that results read back.
func (q *Question) UnmarshalText(b []byte) error {
	for i, k := range questionKeys {
		if k == string(b) {
			*q = Question(i)
			return nil
		}
	}
	return fmt.Errorf("unknown pulse question %q (want role, measures, trust or training)", b)
}

// Answer is one answer on a five-point agreement scale or yes/no; ""
// means the question was not answered.
type Answer string

// The answers a pulse question takes.
const (
	StronglyAgree    Answer = "strongly_agree"
	Agree            Answer = "agree"
	Neither          Answer = "neither"
	Disagree         Answer = "disagree"
	StronglyDisagree Answer = "strongly_disagree"
	Yes              Answer = "yes"
	No               Answer = "no"
)

// positive reports whether an answer agrees; ok is false for an answer
// that is not one of the above (and for "").
func (a Answer) positive() (pos, ok bool) {
	switch a {
	case StronglyAgree, Agree, Yes:
		return true, true
	case Neither, Disagree, StronglyDisagree, No:
		return false, true
	}
	return false, false
}

// Response is one anonymous pulse response. It holds the round, the staff
// group and the site, and the answers: nothing that names a person, and
// no time finer than the round.
type Response struct {
	Round   string               `json:"round"` // "2026-09" or "2026-Q3"
	Group   string               `json:"staff_group"`
	Site    string               `json:"site"`
	Answers [numQuestions]Answer `json:"answers"`
}

// MinGroupSize is the fewest respondents a group's results are shown for.
const MinGroupSize = 10

var roundPattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$`)

// Pulse collects pulse responses and reports them weighted to the
// workforce. It keeps counts per round, staff group and site, never the
// responses themselves, so that nothing stored can be read back as one
// person's answers. It is safe for concurrent use.
type Pulse struct {
	groups, sites map[string]int // the workforce, from the directory

	mu     sync.Mutex
	rounds map[string]map[cell]*cellTally
}

// cellTally counts the responses of one group at one site in a round.
type cellTally struct {
	n        int
	answered [numQuestions]int
	positive [numQuestions]int
}

// NewPulse returns a Pulse weighted to the directory's workforce.
func NewPulse(dir *Directory) *Pulse {
	g, s := dir.Workforce()
	return &Pulse{groups: g, sites: s, rounds: map[string]map[cell]*cellTally{}}
}

// empty returns a Pulse over the same workforce with no responses.
func (p *Pulse) empty() *Pulse {
	return &Pulse{groups: p.groups, sites: p.sites, rounds: map[string]map[cell]*cellTally{}}
}

// Submit adds a response. It refuses a round not written YYYY-MM or
// YYYY-Qn, a staff group or site the directory does not have, an answer
// that is not one of the Answer values, and a response with no answer.
func (p *Pulse) Submit(r Response) error {
	c, t, err := p.tally(r)
	if err != nil {
		return err
	}
	p.add(r.Round, c, t)
	return nil
}

// ValidRound reports whether a round is written YYYY-MM or YYYY-Qn.
func ValidRound(round string) bool { return roundPattern.MatchString(round) }

// tally checks a response and counts it, without adding it.
func (p *Pulse) tally(r Response) (cell, cellTally, error) {
	var t cellTally
	if !ValidRound(r.Round) {
		return cell{}, t, &FieldError{"round", fmt.Sprintf("%q is not YYYY-MM or YYYY-Qn", r.Round)}
	}
	if p.groups[r.Group] == 0 {
		return cell{}, t, &FieldError{"staff_group", fmt.Sprintf("%q is not a staff group in the directory", r.Group)}
	}
	if p.sites[r.Site] == 0 {
		return cell{}, t, &FieldError{"site", fmt.Sprintf("%q is not a site in the directory", r.Site)}
	}
	for q, a := range r.Answers {
		if a == "" {
			continue
		}
		pos, ok := a.positive()
		if !ok {
			return cell{}, t, &FieldError{"answers." + Question(q).String(), fmt.Sprintf("%q is not an answer (strongly_agree, agree, neither, disagree, strongly_disagree, yes, no)", a)}
		}
		t.answered[q]++
		t.positive[q] += b2i(pos)
	}
	if slices.Max(t.answered[:]) == 0 {
		return cell{}, t, &FieldError{"answers", "no question answered"}
	}
	t.n = 1
	return cell{r.Group, r.Site}, t, nil
}

// add folds one response's counts into its cell.
func (p *Pulse) add(round string, c cell, t cellTally) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cells := p.rounds[round]
	if cells == nil {
		cells = map[cell]*cellTally{}
		p.rounds[round] = cells
	}
	ct := cells[c]
	if ct == nil {
		ct = &cellTally{}
		cells[c] = ct
	}
	ct.n += t.n
	for q := range numQuestions {
		ct.answered[q] += t.answered[q]
		ct.positive[q] += t.positive[q]
	}
}

// Rounds returns the rounds with responses, oldest first.
func (p *Pulse) Rounds() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.rounds))
	for r := range p.rounds {
		out = append(out, r)
	}
	slices.SortFunc(out, cmp.Compare)
	return out
}

// snapshot copies a round's cells.
func (p *Pulse) snapshot(round string) map[cell]cellTally {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[cell]cellTally{}
	for c, t := range p.rounds[round] {
		out[c] = *t
	}
	return out
}
