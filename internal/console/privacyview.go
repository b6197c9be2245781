package console

import (
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/privacy"
)

// kindLabels say each case kind in plain English.
var kindLabels = map[string]string{
	"family":              "family member",
	"coworker":            "co-worker",
	"vip":                 "on the watch list",
	"neighbour":           "neighbour",
	"self":                "own record",
	"deceased":            "deceased patient",
	"mass_lookup":         "many records looked up",
	"no_relationship":     "no care relationship",
	"department_mismatch": "another department's patient",
	"out_of_hours":        "out of hours",
	"breakglass_misuse":   "break-glass misused",
	"repeat_offender":     "repeated",
}

// kindLabel says kind in plain English; an unknown kind shows as it is.
func kindLabel(kind string) string {
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return strings.ReplaceAll(kind, "_", " ")
}

// explanationLabels say each explanation tried on an access (the keys of
// privacy's Summary.ByExplanation) in plain English.
var explanationLabels = map[string]string{
	"direct_care":          "named clinician on the visit or appointment",
	"referral":             "referred the patient",
	"registered_carer":     "the patient's registered carer",
	"registration_clerk":   "recorded the patient's registration, admission, transfer or appointment",
	"ward":                 "works on the patient's ward or in its specialty",
	"department":           "works in the department caring for the patient",
	"team":                 "works closely with a clinician caring for the patient",
	"service":              "works in a department that serves the patient's ward",
	"breakglass_justified": "emergency access, reviewed and found justified",
}

// explanationLabel says an explanation in plain English; an unknown one
// shows as it is.
func explanationLabel(key string) string {
	if l, ok := explanationLabels[key]; ok {
		return l
	}
	return strings.ReplaceAll(key, "_", " ")
}

// agentTypeCodes are the audit trail's codes for what kind of participant
// a user is (FHIR AuditEvent agent.type, from DICOM and HL7 participation
// types). They stand in for a job role when the user is not on the staff
// roster, and say nothing a reader needs, so they are not shown.
var agentTypeCodes = map[string]bool{"humanuser": true, "110153": true, "110152": true}

// outcomeLabels say each outcome as the privacy officer chose it.
var outcomeLabels = map[privacy.Outcome]string{
	privacy.OutcomeOpen:        "not yet decided",
	privacy.OutcomeAppropriate: "appropriate",
	privacy.OutcomeCounselled:  "counselled",
	privacy.OutcomeEscalated:   "escalated",
	privacy.OutcomeReported:    "reported to the ICO",
}

// caseRow is one case in the ranked list.
type caseRow struct {
	ID, User, Role, Patient, PatientName string
	Kinds                                []string // plain English
	Score, Accesses                      int
	FirstSeen, LastSeen                  string
	Evidence                             []string
	Outcome                              string
	Clock                                breachClock
}

// breachClock is the UK GDPR 72-hour clock of a case, as shown.
type breachClock struct {
	Running  bool   // confirmed and not yet reported
	Overdue  bool   // the deadline passed before it was reported
	Deadline string // London time
	Left     string // "41 hours 12 minutes left", "3 hours overdue", or how it ended
}

// decisionSource gives a case's decision; privacy.DecisionLog is one.
type decisionSource interface {
	Get(caseID string) (privacy.Decision, bool)
}

// caseRows lays out the ranked cases with their decisions at now.
func caseRows(cases []privacy.Case, ds decisionSource, now time.Time) []caseRow {
	out := make([]caseRow, 0, len(cases))
	for i := range cases {
		c := &cases[i]
		d, _ := ds.Get(c.ID)
		r := caseRow{
			ID: c.ID, User: orID(c.UserName, c.UserID), Role: roleLabel(c.UserRole, c.Department),
			Patient: c.PatientID, PatientName: c.PatientName, Score: c.Score, Accesses: c.Accesses,
			FirstSeen: londonTime(c.FirstSeen), LastSeen: londonTime(c.LastSeen), Evidence: c.Evidence,
			Outcome: outcomeLabels[d.Outcome], Clock: newBreachClock(&d, now),
		}
		for _, k := range c.Kinds {
			r.Kinds = append(r.Kinds, kindLabel(k))
		}
		out = append(out, r)
	}
	return out
}

// newBreachClock shows d's 72-hour clock at now; the zero clock when the
// case is not a confirmed breach.
func newBreachClock(d *privacy.Decision, now time.Time) breachClock {
	dl, ok := d.Deadline()
	if !ok {
		return breachClock{}
	}
	c := breachClock{Deadline: londonTime(dl), Overdue: d.Overdue(now)}
	switch {
	case !d.ReportedAt.IsZero() && c.Overdue:
		c.Left = "reported " + humanDuration(d.ReportedAt.Sub(dl)) + " after the deadline"
	case !d.ReportedAt.IsZero():
		c.Left = "reported " + humanDuration(dl.Sub(d.ReportedAt)) + " before the deadline"
	case c.Overdue:
		c.Running, c.Left = true, humanDuration(now.Sub(dl))+" overdue"
	default:
		c.Running, c.Left = true, humanDuration(d.Remaining(now))+" left"
	}
	return c
}

// roleLabel writes "Staff Nurse (Cardiology)".
func roleLabel(role, dept string) string {
	if agentTypeCodes[strings.ToLower(role)] {
		role = ""
	}
	switch {
	case dept == "":
		return role
	case role == "":
		return dept
	}
	return role + " (" + dept + ")"
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

// timelineRow is one access in a timeline.
type timelineRow struct {
	Time, User, Role, Patient, PatientName, Action string
	Why                                            string // the explanation, or that none was found
	Fact                                           string
	CaseID                                         string
}

// timelineRows lays out a per-user or per-patient timeline.
func timelineRows(es []privacy.TimelineEntry) []timelineRow {
	out := make([]timelineRow, 0, len(es))
	for i := range es {
		e := &es[i]
		why := e.Explanation
		if why == "" {
			why = "nothing explains it"
		}
		out = append(out, timelineRow{
			Time: londonTime(e.Time), User: orID(e.UserName, e.UserID), Role: roleLabel(e.UserRole, e.Department),
			Patient: e.PatientID, PatientName: e.PatientName, Action: e.Action, Why: why, Fact: e.Fact, CaseID: e.CaseID,
		})
	}
	return out
}

// caseView is the page of one case.
type caseView struct {
	Case     caseRow
	Pack     *privacy.Pack
	Accesses []packAccessRow
	User     []timelineRow // everything the user did, not only this case
	Patients []patientTimeline
	Decision privacy.Decision
	Decided  string // when and by whom the outcome was recorded
	Outcomes []outcomeChoice
}

// packAccessRow is one access of the evidence pack with the explanations
// tried on it.
type packAccessRow struct {
	timelineRow
	Tried []privacy.Attempt
}

// patientTimeline is the timeline of one patient of the case.
type patientTimeline struct {
	NHSNumber, Name string
	Rows            []timelineRow
}

// outcomeChoice is one choice of the outcome form.
type outcomeChoice struct {
	Value, Label, Hint string
	Checked            bool
}

// outcomeChoices are the outcome form's choices; "breach" confirms a
// reportable breach, which starts the 72-hour clock, and "reported"
// records that the ICO was told, which stops it.
func outcomeChoices(d privacy.Decision) []outcomeChoice {
	cs := []outcomeChoice{
		{Value: string(privacy.OutcomeAppropriate), Label: "Appropriate", Hint: "the access was legitimate after all"},
		{Value: string(privacy.OutcomeCounselled), Label: "Counselled", Hint: "inappropriate; the member of staff was spoken to"},
		{Value: string(privacy.OutcomeEscalated), Label: "Escalated", Hint: "inappropriate; passed to HR or the Caldicott Guardian"},
		{Value: outcomeBreach, Label: "Reportable breach", Hint: "a personal data breach the ICO must be told of: starts the 72-hour clock"},
		{Value: string(privacy.OutcomeReported), Label: "Reported to the ICO", Hint: "the ICO has been told: stops the clock (and starts it, if the breach was not confirmed before)"},
	}
	now := formOutcome(d)
	for i := range cs {
		cs[i].Checked = cs[i].Value == now
	}
	return cs
}

// formOutcome is the form's value for d: a confirmed breach not yet
// reported shows as "breach" whatever the outcome says.
func formOutcome(d privacy.Decision) string {
	if !d.BreachConfirmed.IsZero() && d.ReportedAt.IsZero() {
		return outcomeBreach
	}
	return string(d.Outcome)
}

// outcomeBreach is the form's value for confirming a reportable breach.
const outcomeBreach = "breach"

// newCaseView gathers one case's page from the last analysis.
func newCaseView(res *privacy.Result, caseID string, ds decisionSource, now time.Time) (*caseView, error) {
	pk, err := res.EvidencePack(caseID)
	if err != nil {
		return nil, err
	}
	rows := caseRows([]privacy.Case{pk.Case}, ds, now)
	v := &caseView{Case: rows[0], Pack: pk, User: timelineRows(res.UserTimeline(pk.Case.UserID))}
	v.Decision, _ = ds.Get(caseID)
	if !v.Decision.At.IsZero() {
		v.Decided = "recorded " + londonTime(v.Decision.At)
		if v.Decision.By != "" {
			v.Decided += " by " + v.Decision.By
		}
	}
	v.Outcomes = outcomeChoices(v.Decision)
	for _, a := range pk.Accesses {
		v.Accesses = append(v.Accesses, packAccessRow{timelineRows([]privacy.TimelineEntry{a.TimelineEntry})[0], a.Tried})
	}
	for _, p := range pk.Patients {
		v.Patients = append(v.Patients, patientTimeline{NHSNumber: p.NHSNumber, Name: p.Name, Rows: timelineRows(res.PatientTimeline(p.NHSNumber))})
	}
	return v, nil
}

// reportRow is one access in the patient's report, as the patient reads
// it.
type reportRow struct {
	When, Who, Role, Action, Reason string
}

// patientView is the page of one patient's access report.
type patientView struct {
	NHSNumber, Name string
	Rows            []reportRow
	Generated       string
	Formats         []string
}

// newPatientView lays out the report the patient would be given.
func newPatientView(pr *privacy.PatientReport) patientView {
	v := patientView{NHSNumber: pr.NHSNumber, Name: pr.Name, Generated: londonTime(pr.Generated), Formats: privacy.ReportFormats}
	for i := range pr.Entries {
		e := &pr.Entries[i]
		who, role := pr.Who(e)
		v.Rows = append(v.Rows, reportRow{When: londonTime(e.Time), Who: who, Role: role, Action: e.Action, Reason: pr.Reason(e)})
	}
	return v
}
