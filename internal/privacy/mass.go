package privacy

// massSpan is a run of unexplained records one user opened straight after
// searching, each within MassGap of the last.
type massSpan struct {
	user      uint32
	from, end int64
	pats      []uint32 // distinct, in the order first opened
	n         int      // records opened
}

// massAdd adds an unexplained open that followed a search to the user's
// current span, closing the span first if the gap is too long.
func (s *stream) massAdd(us *userState, r *rec) {
	if sp := us.span; sp != nil && r.t-sp.end > secs(s.a.opts.MassGap) {
		s.closeSpan(us)
	}
	if us.span == nil {
		us.span = &massSpan{user: r.user, from: r.t}
	}
	sp := us.span
	sp.end = r.t
	sp.n++
	if !containsU32(sp.pats, r.pat) {
		sp.pats = append(sp.pats, r.pat)
	}
}

// closeSpan keeps the user's span if it reached MassMinPatients.
func (s *stream) closeSpan(us *userState) {
	if sp := us.span; sp != nil && len(sp.pats) >= s.a.opts.MassMinPatients {
		s.mass = append(s.mass, sp)
	}
	us.span = nil
}
