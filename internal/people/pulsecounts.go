package people

import (
	"cmp"
	"fmt"
	"slices"
)

// PulseCount is what a pulse keeps of one staff group at one site in a
// round: how many responded, and per question how many answered and how
// many answered positively. It is the only form in which pulse answers
// are stored, so nothing kept is one person's set of answers.
type PulseCount struct {
	Round       string            `json:"round"`
	Group       string            `json:"staff_group"`
	Site        string            `json:"site"`
	Respondents int               `json:"respondents"`
	Answered    [numQuestions]int `json:"answered"`
	Positive    [numQuestions]int `json:"positive"`
}

// Counts returns the pulse's counts, by round, group and site.
func (p *Pulse) Counts() []PulseCount {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []PulseCount
	for round, cells := range p.rounds {
		for c, t := range cells {
			out = append(out, t.count(round, c))
		}
	}
	slices.SortFunc(out, func(a, b PulseCount) int {
		return cmp.Or(cmp.Compare(a.Round, b.Round), cmp.Compare(a.Group, b.Group), cmp.Compare(a.Site, b.Site))
	})
	return out
}

// AddCounts adds saved counts to the pulse. Counts for a group or site
// the directory no longer has are kept (the workforce may have changed
// since), and that round's Results then fail naming it; a count that is
// inconsistent (more answers than respondents, more positive than
// answered) is refused whole, naming its round, group and site.
func (p *Pulse) AddCounts(cs []PulseCount) error {
	for _, c := range cs {
		if err := c.check(); err != nil {
			return err
		}
	}
	for _, c := range cs {
		p.add(c.Round, cell{c.Group, c.Site}, cellTally{n: c.Respondents, answered: c.Answered, positive: c.Positive})
	}
	return nil
}

// count is the PulseCount of t, the tally of cell c in round.
func (t cellTally) count(round string, c cell) PulseCount {
	return PulseCount{Round: round, Group: c.group, Site: c.site, Respondents: t.n, Answered: t.answered, Positive: t.positive}
}

func (c PulseCount) check() error {
	where := fmt.Sprintf("pulse count %s/%s/%s", c.Round, c.Group, c.Site)
	if !ValidRound(c.Round) {
		return fmt.Errorf("%s: round is not YYYY-MM or YYYY-Qn", where)
	}
	if c.Respondents < 1 {
		return fmt.Errorf("%s: %d respondents", where, c.Respondents)
	}
	for q := range numQuestions {
		if c.Answered[q] < 0 || c.Answered[q] > c.Respondents || c.Positive[q] < 0 || c.Positive[q] > c.Answered[q] {
			return fmt.Errorf("%s: question %s: %d answered, %d positive of %d respondents",
				where, q, c.Answered[q], c.Positive[q], c.Respondents)
		}
	}
	return nil
}
