package privacy

import (
	"fmt"
	"strings"
	"time"
)

// evidence writes the plain-English sentences of a case: what the user
// did, then each fact behind each kind.
func (a *Auditor) evidence(c *Case, ix *index, pl *people) []string {
	s, p := &a.staff[c.user], &a.patients[c.pat]
	who := a.describeUser(s)
	var out []string
	if c.span != nil {
		return append(out, a.massSentence(c, who))
	}
	acc := c.acc
	first := fmt.Sprintf("%s opened the record of %s %s %s", who, a.patientName(p), times(acc.n), a.when(acc.first, acc.last, acc.days))
	if acc.n == 0 {
		first = fmt.Sprintf("%s declared break-glass for the record of %s %s", who, a.patientName(p), a.when(acc.first, acc.last, acc.days))
	}
	var facts []string
	if c.kinds&kFamily != 0 {
		facts = append(facts, a.familyFact(s, p))
	}
	if c.kinds&kNeighbour != 0 {
		facts = append(facts, neighbourFact(s, p))
	}
	if c.kinds&kSelf != 0 {
		facts = append(facts, fmt.Sprintf("the record appears to be %s's own (%s)", s.name, selfBasis(s, p)))
	}
	if c.kinds&kCoworker != 0 {
		facts = append(facts, a.coworkerFact(pl, c.pat))
	}
	if c.kinds&kVIP != 0 {
		facts = append(facts, fmt.Sprintf("%s is on the VIP watch list", a.patientName(p)))
	}
	if c.kinds&kDeceased != 0 {
		facts = append(facts, fmt.Sprintf("%s died on %s and the record was opened after that", a.patientName(p), a.day(p.Death.Unix())))
	}
	out = append(out, first+"; "+strings.Join(facts, "; ")+".")
	if len(facts) == 0 {
		out[0] = first + "."
	}
	out = append(out, a.contextSentences(c, s, p, ix)...)
	return out
}

// contextSentences explain the kinds about how and when the record was
// opened.
func (a *Auditor) contextSentences(c *Case, s *staffRec, p *patientRec, ix *index) []string {
	acc := c.acc
	var out []string
	if c.kinds&kBreakGlassMisuse != 0 {
		at := acc.bgAt
		if at == 0 {
			at = acc.first
		}
		out = append(out, fmt.Sprintf("%s used break-glass on %s at %s; no review justifies it and no care relationship with %s followed.", s.name, a.day(at), a.clock(at), a.patientName(p)))
	}
	if c.kinds&kOutOfHours != 0 {
		out = append(out, fmt.Sprintf("%s outside %02d:00-%02d:00 or at a weekend (first at %s on %s).",
			countOf(acc.oohN, "access was", "accesses were"), a.opts.DayStart, a.opts.DayEnd, a.clock(acc.oohFirst), a.weekday(acc.oohFirst)))
	}
	if c.kinds&kDepartmentMismatch != 0 && acc.mismatchEp >= 0 {
		out = append(out, fmt.Sprintf("At the time %s was under %s, not %s.", a.patientName(p), a.episodeWhere(&a.episodes[acc.mismatchEp]), deptOr(s)))
	}
	if c.kinds&(kNoRelationship|kDepartmentMismatch|kFamily|kNeighbour|kCoworker|kVIP|kDeceased) != 0 {
		out = append(out, "No visit, appointment, referral, ward, department, team, service or justified break-glass links them.")
	}
	if c.kinds&kRepeatOffender != 0 {
		out = append(out, fmt.Sprintf("%s had an earlier case.", s.name))
	}
	return out
}

func (a *Auditor) massSentence(c *Case, who string) string {
	sp := c.span
	return fmt.Sprintf("%s opened the records of %d patients %s %s, each within %d minutes of a search; no visit, appointment, referral, ward, department, team or service explains any of them.",
		who, len(sp.pats), times(sp.n), a.when(sp.from, sp.end, c.Days), int(a.opts.MassSearchWindow.Minutes()))
}

// describeUser writes "J. Smith (Healthcare Assistant, Ward 7)".
func (a *Auditor) describeUser(s *staffRec) string {
	name := s.name
	if name == "" {
		name = s.ID
	}
	var parts []string
	for _, v := range []string{s.Role, s.Department} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	if !s.onRoster {
		parts = append(parts, "not on the staff roster")
	}
	if len(parts) == 0 {
		return name
	}
	return name + " (" + strings.Join(parts, ", ") + ")"
}

func (a *Auditor) familyFact(s *staffRec, p *patientRec) string {
	if i := nextOfKin(s, p); i >= 0 {
		rel := p.Kin[i].relation
		if rel == "" {
			rel = "relationship not given"
		}
		return fmt.Sprintf("%s is named as next of kin (%s) of %s", s.name, rel, a.patientName(p))
	}
	where := "the postcode " + p.Postcode
	if !sameNonEmpty(s.post, p.post) {
		where = "the street " + titleWords(p.street)
	}
	return fmt.Sprintf("they share the surname %s and %s", titleCase(p.Family), where)
}

// titleWords capitalises each word: "station road" -> "Station Road".
func titleWords(s string) string { return titleCase(strings.ToUpper(s)) }

func neighbourFact(s *staffRec, p *patientRec) string {
	if sameNonEmpty(s.post, p.post) {
		return "they live at the same postcode " + p.Postcode
	}
	return fmt.Sprintf("they live in the same street (%s, %s)", titleWords(s.street), outward(p.post))
}

func selfBasis(s *staffRec, p *patientRec) string {
	switch {
	case s.NHSNumber != "" && s.NHSNumber == p.Key:
		return "the roster gives the same NHS number"
	case !s.BirthDate.IsZero():
		return "same name and date of birth"
	}
	return "same name and postcode"
}

func (a *Auditor) coworkerFact(pl *people, pat uint32) string {
	p := &a.patients[pat]
	if u := pl.staffPat[pat]; u != noUser {
		v := &a.staff[u]
		return fmt.Sprintf("%s is on the staff roster (%s)", a.patientName(p), strings.Trim(v.Role+", "+v.Department, ", "))
	}
	return a.patientName(p) + " is on the staff roster"
}

// episodeWhere names where an episode had the patient: ward and service.
func (a *Auditor) episodeWhere(e *episode) string {
	if n := len(e.stays); n > 0 {
		st := e.stays[n-1]
		switch {
		case st.ward != "" && st.service != "":
			return st.ward + " (" + st.service + ")"
		case st.ward != "":
			return st.ward
		}
		return st.service
	}
	if e.appt {
		return "an appointment"
	}
	return "another team"
}

func deptOr(s *staffRec) string {
	if s.Department != "" {
		return s.name + "'s department (" + s.Department + ")"
	}
	return s.name + "'s department"
}

// when writes "on 3 May 2026 between 21:10 and 21:40" or "on 4 days
// between 3 May 2026 and 9 May 2026".
func (a *Auditor) when(from, to int64, days int) string {
	if days <= 1 {
		if a.clock(from) == a.clock(to) {
			return "on " + a.day(from) + " at " + a.clock(from)
		}
		return fmt.Sprintf("on %s between %s and %s", a.day(from), a.clock(from), a.clock(to))
	}
	return fmt.Sprintf("on %d days between %s and %s", days, a.day(from), a.day(to))
}

// patientName is the patient's display name, or "patient" and the NHS
// number when no ADT message named them.
func (a *Auditor) patientName(p *patientRec) string {
	if p.name != "" {
		return p.name
	}
	return "patient " + p.Key
}

func (a *Auditor) local(t int64) time.Time { return time.Unix(t, 0).In(a.opts.Location) }
func (a *Auditor) day(t int64) string      { return a.local(t).Format("2 January 2006") }
func (a *Auditor) clock(t int64) string    { return a.local(t).Format("15:04") }
func (a *Auditor) weekday(t int64) string  { return a.local(t).Format("Monday 2 January 2006") }

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// fact writes the fact an explanation rests on, for Explanations.
func (a *Auditor) fact(ix *index, x explanation, u uint32) string {
	if x.ep < 0 {
		switch x.why {
		case reasonClerk:
			return "keyed an ADT event for the patient (EVN-5)"
		case reasonRegistered:
			return "registered carer of the patient (ROL)"
		case reasonBreakGlass:
			return "break-glass reviewed as justified or followed by care"
		}
		return x.why.String()
	}
	e := &a.episodes[x.ep]
	what := "visit " + e.label
	if e.appt {
		what = "appointment " + e.label
	}
	what += " (" + a.episodeWhere(e) + ") from " + a.day(e.start)
	switch x.why {
	case reasonDirectCare:
		return "named clinician on " + what
	case reasonReferral:
		return "referring clinician of " + what
	case reasonWard:
		return "works on the ward of " + what
	case reasonDepartment:
		return "in the department of a clinician or the specialty of " + what
	case reasonTeam:
		return "teammate " + a.staff[x.mate].ID + " cares for the patient on " + what
	case reasonService:
		return a.staff[u].Department + " serves " + a.depts.names[x.home] + ", whose patient this was on " + what
	}
	return x.why.String() + " on " + what
}
