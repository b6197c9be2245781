package people

import (
	"cmp"
	"slices"
	"time"
)

// GuidanceWindow is how far back a guidance touch counts in the training
// figures as "guidance received".
const GuidanceWindow = 365 * 24 * time.Hour

// TrainingFigures are the training figures of a set of people (a staff
// group, or everyone) at a date: evidence for CAF B6.b.
type TrainingFigures struct {
	Group string `json:"staff_group,omitempty"` // "" for everyone
	Staff int    `json:"staff"`
	// Required counts person-course pairs that must be held; Current,
	// Expiring, Expired and Missing split them.
	Required int `json:"required"`
	Current  int `json:"current"`
	Expiring int `json:"expiring"`
	Expired  int `json:"expired"`
	Missing  int `json:"missing"`
	// Completion is (Current+Expiring)/Required; 1 when nothing is required.
	Completion float64 `json:"completion"`
	// FullyCompliant counts people holding every course they must.
	FullyCompliant int `json:"fully_compliant"`
	// GuidanceReceived counts people sent just-in-time guidance in the
	// GuidanceWindow up to the date; GuidanceTouches counts the messages.
	GuidanceReceived int `json:"guidance_received"`
	GuidanceTouches  int `json:"guidance_touches"`
}

// TrainingRollup is the training picture at a date: everyone, and each
// staff group in name order.
type TrainingRollup struct {
	At      time.Time         `json:"at"`
	Overall TrainingFigures   `json:"overall"`
	Groups  []TrainingFigures `json:"groups"`
}

// Rollup computes completion and expiry at a date, per staff group and
// overall, against the requirements; touches are the guidance messages
// sent (Guide.Touches), counted as guidance received. Completions and
// touches dated after at do not count.
func (t *Training) Rollup(at time.Time, reqs []Requirement, touches []Touch) TrainingRollup {
	need := t.required(reqs)
	groups := map[string]*TrainingFigures{}
	figs := make([]TrainingFigures, 0, len(need))
	for g := range need {
		figs = append(figs, TrainingFigures{Group: g})
	}
	slices.SortFunc(figs, func(a, b TrainingFigures) int { return cmp.Compare(a.Group, b.Group) })
	for k := range figs {
		groups[figs[k].Group] = &figs[k]
	}
	now := at.Unix()
	for i, p := range t.dir.people {
		f := groups[p.Group]
		f.Staff++
		whole := true
		for _, c := range need[p.Group] {
			st, _ := t.status(i, c.idx, now)
			f.count(st)
			whole = whole && st <= Expiring
		}
		if whole {
			f.FullyCompliant++
		}
	}
	t.countTouches(groups, at, touches)
	r := TrainingRollup{At: at, Overall: TrainingFigures{}, Groups: figs}
	for k := range figs {
		figs[k].finish()
		r.Overall.add(figs[k])
	}
	r.Overall.finish()
	return r
}

// count adds one person-course status.
func (f *TrainingFigures) count(st Status) {
	f.Required++
	switch st {
	case Current:
		f.Current++
	case Expiring:
		f.Expiring++
	case Expired:
		f.Expired++
	default:
		f.Missing++
	}
}

// add sums another group's counts into f.
func (f *TrainingFigures) add(g TrainingFigures) {
	f.Staff += g.Staff
	f.Required += g.Required
	f.Current += g.Current
	f.Expiring += g.Expiring
	f.Expired += g.Expired
	f.Missing += g.Missing
	f.FullyCompliant += g.FullyCompliant
	f.GuidanceReceived += g.GuidanceReceived
	f.GuidanceTouches += g.GuidanceTouches
}

// finish computes the completion rate.
func (f *TrainingFigures) finish() {
	f.Completion = 1
	if f.Required > 0 {
		f.Completion = float64(f.Current+f.Expiring) / float64(f.Required)
	}
}

// countTouches adds guidance touches in the window to each group.
func (t *Training) countTouches(groups map[string]*TrainingFigures, at time.Time, touches []Touch) {
	from := at.Add(-GuidanceWindow)
	reached := map[string]bool{}
	for _, tc := range touches {
		i, ok := t.dir.byID[tc.StaffID]
		if !ok || tc.At.After(at) || !tc.At.After(from) {
			continue
		}
		f := groups[t.dir.people[i].Group]
		f.GuidanceTouches++
		if !reached[tc.StaffID] {
			reached[tc.StaffID] = true
			f.GuidanceReceived++
		}
	}
}

// CourseStatus is where one person stands on one required course.
type CourseStatus struct {
	Course  string    `json:"course"`
	Status  Status    `json:"status"`
	Expires time.Time `json:"expires,omitzero"` // zero when missing or never expiring
}

// Overdue is a required course a person does not hold at a date.
type Overdue struct {
	Person  Person       `json:"person"`
	Course  CourseStatus `json:"course"`
	DaysDue int          `json:"days_overdue"` // since expiry; 0 when never completed
}

// PersonStatus returns where a person stands on each course they must
// hold at a date, in requirement order; false when the id is unknown.
func (t *Training) PersonStatus(staffID string, at time.Time, reqs []Requirement) ([]CourseStatus, bool) {
	i, ok := t.dir.byID[staffID]
	if !ok {
		return nil, false
	}
	p := t.dir.people[i]
	var out []CourseStatus
	for _, c := range t.required(reqs)[p.Group] {
		st, exp := t.status(i, c.idx, at.Unix())
		out = append(out, CourseStatus{Course: c.name, Status: st, Expires: exp})
	}
	return out, true
}

// Overdue lists every required course someone does not hold at a date
// (expired or missing), by staff group, then name, then course.
func (t *Training) Overdue(at time.Time, reqs []Requirement) []Overdue {
	need := t.required(reqs)
	var out []Overdue
	for i, p := range t.dir.people {
		for _, c := range need[p.Group] {
			st, exp := t.status(i, c.idx, at.Unix())
			if st < Expired {
				continue
			}
			o := Overdue{Person: p, Course: CourseStatus{Course: c.name, Status: st, Expires: exp}}
			if st == Expired {
				o.DaysDue = int(at.Sub(exp) / (24 * time.Hour))
			}
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b Overdue) int {
		return cmp.Or(cmp.Compare(a.Person.Group, b.Person.Group), cmp.Compare(a.Person.Name, b.Person.Name),
			cmp.Compare(a.Person.ID, b.Person.ID), cmp.Compare(a.Course.Course, b.Course.Course))
	})
	return out
}
