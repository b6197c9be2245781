package privacy

import (
	"cmp"
	"slices"
	"time"
)

// Run analyses everything added: it resolves merged patients, puts the
// accesses in time order, mines care teams, explains each opened record,
// runs the detectors on what stays unexplained (and self-access and
// break-glass despite an explanation), and groups the findings into
// ranked cases. Run may be called once.
func (a *Auditor) Run() *Result {
	canon := a.canonicalise()
	recs := a.recs
	for i := range recs {
		if recs[i].pat != noPatient {
			recs[i].pat = canon[recs[i].pat]
		}
	}
	sortRecs(recs)
	ix := a.buildIndex(canon)
	ix.teams = a.mineTeams(recs)
	ix.homes = a.homes(ix)
	xs := a.explainAll(ix, recs)
	ix.services = a.mineServices(ix, recs, xs)
	pl := a.matchPeople()
	st := newStream(a, ix, &pl)
	for i := range recs {
		st.step(&recs[i], &xs[i])
	}
	st.finish()
	res := &Result{Summary: st.sum, Explanations: st.expl, a: a, ix: ix, recs: recs, xs: xs}
	res.Summary.TeamLinks = ix.teams.edges
	res.Cases = a.buildCases(st, &pl)
	res.indexCases()
	res.Summary.Cases = len(res.Cases)
	for _, c := range res.Cases {
		for _, k := range c.Kinds {
			res.Summary.ByKind[k]++
		}
	}
	return res
}

// sortRecs puts accesses in time order. Logs mostly arrive in order, so
// a sorted log is left as it is. Within one second a break-glass start
// comes first, then searches, then opens, then a stop, so that a search
// and the read it led to in the same second are seen in that order; the
// remaining ties are broken by user and patient, which makes the order,
// and so the output, the same for the same input.
func sortRecs(recs []rec) {
	less := func(x, y rec) int {
		return cmp.Or(cmp.Compare(x.t, y.t), cmp.Compare(kindOrder[x.kind], kindOrder[y.kind]),
			cmp.Compare(x.user, y.user), cmp.Compare(x.pat, y.pat))
	}
	if !slices.IsSortedFunc(recs, less) {
		slices.SortFunc(recs, less)
	}
}

var kindOrder = [...]int{kindBGStart: 0, kindQuery: 1, kindOpen: 2, kindBGStop: 3}

// canonicalise maps every patient index to the index of the record it
// was merged into (A40) or whose hospital number it is.
func (a *Auditor) canonicalise() []uint32 {
	n := len(a.patients)
	canon := make([]uint32, n)
	for i := 0; i < n; i++ {
		canon[i] = a.patient(a.canonicalKey(a.pats.names[i]))
	}
	for i := n; i < len(a.patients); i++ {
		canon = append(canon, uint32(i))
	}
	for i := 0; i < n; i++ {
		if c := canon[i]; c != uint32(i) && a.patients[c].fam == "" {
			a.patients[c] = a.patients[i] // keep the demographics the merged record had
			a.patients[c].Key = a.pats.names[c]
		}
	}
	if a.vip != nil {
		for p := range a.vip {
			a.vip[canon[p]] = true
		}
	}
	return canon
}

// stream is the state of one pass over the accesses in time order.
type stream struct {
	a     *Auditor
	ix    *index
	pl    *people
	sum   Summary
	users []userState
	pairs map[uint64]*pairAcc
	mass  []*massSpan
	expl  []Explanation
}

// userState is what the stream remembers per user.
type userState struct {
	lastSearch int64
	searched   bool
	bg         []bgPeriod
	span       *massSpan
}

// bgPeriod is a break-glass period: the patient it names (or noPatient
// for any), and whether it was justified.
type bgPeriod struct {
	pat       uint32
	from, to  int64
	justified bool
}

func newStream(a *Auditor, ix *index, pl *people) *stream {
	return &stream{a: a, ix: ix, pl: pl, sum: a.newSummary(), users: make([]userState, len(a.staff)), pairs: map[uint64]*pairAcc{}}
}

// step takes one access in time order with its explanation from the
// care records (explainAll), which open completes and writes back.
func (s *stream) step(r *rec, x *explanation) {
	us := &s.users[r.user]
	switch r.kind {
	case kindQuery:
		us.lastSearch, us.searched = r.t, true
	case kindBGStart:
		s.startBreakGlass(us, r)
	case kindBGStop:
		for i := range us.bg {
			if p := us.bg[i].pat; (p == r.pat || r.pat == noPatient || p == noPatient) && us.bg[i].to > r.t {
				us.bg[i].to = r.t
			}
		}
	case kindOpen:
		s.open(us, r, x)
	}
}

// startBreakGlass opens a break-glass period. An unjustified declaration
// naming a patient is itself evidence of misuse.
func (s *stream) startBreakGlass(us *userState, r *rec) {
	s.sum.BreakGlass++
	ok := s.justified(r)
	kept := us.bg[:0]
	for _, b := range us.bg {
		if b.to >= r.t {
			kept = append(kept, b)
		}
	}
	us.bg = append(kept, bgPeriod{pat: r.pat, from: r.t, to: r.t + secs(s.a.opts.BreakGlassPeriod), justified: ok})
	if !ok && r.pat != noPatient {
		acc := s.pair(r.user, r.pat)
		acc.note(s.a, r.t, kBreakGlassMisuse)
		if acc.bgAt == 0 {
			acc.bgAt = r.t
		}
	}
}

// justified decides whether a break-glass was justified: a review's
// verdict when there is one, else a care relationship that covers it or
// starts within BreakGlassJustify.
func (s *stream) justified(r *rec) bool {
	if r.ref >= 0 {
		if rv, ok := s.a.reviews[s.a.eventIDs[r.ref]]; ok && rv.EventID != "" {
			return rv.Justified
		}
	}
	if r.pat == noPatient {
		return false
	}
	return s.a.reviewBy[pairKey(r.user, r.pat)] || s.a.hasLaterCare(s.ix, r.user, r.pat, r.t, s.a.opts.BreakGlassJustify)
}

// underBreakGlass reports whether r was made in a break-glass period, and
// whether that period was justified.
func (s *stream) underBreakGlass(us *userState, r *rec) (under, ok bool) {
	for _, b := range us.bg {
		if (b.pat == r.pat || b.pat == noPatient) && r.t >= b.from && r.t <= b.to {
			return true, b.justified
		}
	}
	if r.bg {
		return true, s.justified(r)
	}
	return false, false
}

// open explains one opened record or hands it to the detectors; the
// final explanation is left in *xp for timelines and evidence.
func (s *stream) open(us *userState, r *rec, xp *explanation) {
	s.sum.Accesses++
	a := s.a
	x := *xp
	defer func() { *xp = x }()
	if x.why.weak() && a.vip[r.pat] {
		x = explanation{ep: -1} // a watch-list record needs more than a teammate's care
	}
	if x.why == reasonNone {
		x = a.explainByService(s.ix, r.user, r.pat, r.t)
	}
	under, ok := s.underBreakGlass(us, r)
	if x.why == reasonNone && under && ok {
		x.why = reasonBreakGlass
	}
	self := s.pl.selfPat[r.user] == r.pat
	if x.why != reasonNone {
		s.sum.Explained++
		s.sum.ByExplanation[x.why.String()]++
		if a.opts.KeepExplanations {
			s.expl = append(s.expl, Explanation{UserID: a.staff[r.user].ID, PatientID: a.patients[r.pat].Key, Time: r.t, Reason: x.why.String(), Fact: a.fact(s.ix, x, r.user)})
		}
		if self {
			s.pair(r.user, r.pat).add(a, r.t, kSelf)
		}
		return
	}
	s.sum.Unexplained++
	acc := s.pair(r.user, r.pat)
	k := acc.rel | s.timeKinds(acc, r)
	if under {
		k |= kBreakGlassMisuse
	}
	acc.add(a, r.t, k)
	if us.searched && r.t-us.lastSearch <= secs(a.opts.MassSearchWindow) {
		s.massAdd(us, r)
	}
}

// pair returns the accumulator of a user-patient pair, computing its
// relational kinds once.
func (s *stream) pair(u, p uint32) *pairAcc {
	k := pairKey(u, p)
	acc := s.pairs[k]
	if acc == nil {
		acc = &pairAcc{user: u, pat: p, rel: s.a.relationKinds(s.pl, u, p), mismatchEp: -1}
		s.pairs[k] = acc
	}
	return acc
}

// timeKinds are the kinds that depend on when the record was opened:
// after death, out of hours, and whether the patient was in another
// department's care at the time or in nobody's.
func (s *stream) timeKinds(acc *pairAcc, r *rec) kindSet {
	a := s.a
	var k kindSet
	if d := a.patients[r.pat].Death; !d.IsZero() && r.t > d.Unix() {
		k |= kDeceased
	}
	if a.outOfHours(r.t) {
		k |= kOutOfHours
		if acc.oohN == 0 {
			acc.oohFirst = r.t
		}
		acc.oohN++
	}
	if ep := a.activeEpisode(s.ix, r.pat, r.t); ep >= 0 && a.staff[r.user].dept >= 0 {
		k |= kDepartmentMismatch
		acc.mismatchEp = ep
	} else {
		k |= kNoRelationship
	}
	return k
}

// outOfHours reports a moment outside DayStart-DayEnd local time or at a
// weekend.
func (a *Auditor) outOfHours(t int64) bool {
	lt := time.Unix(t, 0).In(a.opts.Location)
	h := lt.Hour()
	wd := lt.Weekday()
	return h < a.opts.DayStart || h >= a.opts.DayEnd || wd == time.Saturday || wd == time.Sunday
}

func (s *stream) finish() {
	for u := range s.users {
		s.closeSpan(&s.users[u])
	}
}
