package assure

// Status is the assessed state of a contributing outcome, spelt as the CAF
// spells it.
type Status string

// The three CAF statuses, and the state of an outcome nobody has assessed.
const (
	NotAchieved       Status = "Not achieved"
	PartiallyAchieved Status = "Partially achieved"
	Achieved          Status = "Achieved"
	Unassessed        Status = ""
)

// rank orders statuses so that a result can be compared with a target.
func (s Status) rank() int {
	switch s {
	case Achieved:
		return 3
	case PartiallyAchieved:
		return 2
	case NotAchieved:
		return 1
	}
	return 0
}

// Meets reports whether s is at least target; every status meets an unset
// target.
func (s Status) Meets(target Status) bool { return s.rank() >= target.rank() }

// Group is one of an outcome's three sets of indicators.
type Group string

// Indicator groups, named as in the CAF's YAML form.
const (
	GroupNotAchieved       Group = "not-achieved"
	GroupPartiallyAchieved Group = "partially-achieved"
	GroupAchieved          Group = "achieved"
)

// Groups lists the indicator groups in the CAF's order of severity.
var Groups = []Group{GroupNotAchieved, GroupPartiallyAchieved, GroupAchieved}

// Framework is one version of the CAF.
type Framework struct {
	Version    string // from the file name or the caller, e.g. "3.2"
	Objectives []*Objective
}

// Objective is one of the CAF's top-level objectives (A to D).
type Objective struct {
	Code, Title, Description string
	Principles               []*Principle
}

// Principle groups contributing outcomes (A1, B4, ...).
type Principle struct {
	Code, Title, Description string
	Outcomes                 []*Outcome
}

// Outcome is a contributing outcome (A1.a, C1.c, ...), assessed through
// its indicators of good practice.
type Outcome struct {
	Code, Title, Description string
	Indicators               map[Group][]Indicator
	// Profile is the least status the outcome must reach in the CAF's
	// baseline and enhanced profiles, where the framework gives them.
	Profile map[string]Status
}

// Indicator is one statement of good practice (or of its absence).
type Indicator struct {
	ID          string // e.g. A1.a.5
	Description string
	NCSCIndex   string // e.g. A1.a.A.1
	// Vigil names the figure of Vigil's own data that decides the
	// statement, in a supplement's outcomes only (see LoadSupplement);
	// empty: manual evidence.
	Vigil string
}

// Outcomes lists every contributing outcome in framework order.
func (f *Framework) Outcomes() []*Outcome {
	var out []*Outcome
	for _, o := range f.Objectives {
		for _, p := range o.Principles {
			out = append(out, p.Outcomes...)
		}
	}
	return out
}

// Outcome finds an outcome by its code, or returns nil.
func (f *Framework) Outcome(code string) *Outcome {
	for _, o := range f.Outcomes() {
		if o.Code == code {
			return o
		}
	}
	return nil
}
