package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// privacyRoles may see privacy cases and patients' access reports.
var privacyRoles = []auth.Role{auth.RolePrivacyOfficer}

// privacyPages are the privacy officer's: every view names patients, so
// every one is audited, and so is every download of a patient's report.
func (c *Console) privacyPages() []Page {
	if c.deps.Privacy == nil {
		return nil
	}
	pages := []Page{
		{Pattern: "GET /privacy", Roles: privacyRoles, Audit: true, Nav: "Privacy", Handler: http.HandlerFunc(c.privacyCases)},
		{Pattern: "GET /privacy/cases/{id}", Roles: privacyRoles, Audit: true, Handler: http.HandlerFunc(c.privacyCase)},
		{Pattern: "GET /privacy/patients", Roles: privacyRoles, Audit: true, Handler: http.HandlerFunc(c.privacyFindPatient)},
		{Pattern: "GET /privacy/patients/{nhs}", Roles: privacyRoles, Audit: true, Handler: http.HandlerFunc(c.privacyPatient)},
		{Pattern: "GET /privacy/patients/{nhs}/report/{format}", Roles: privacyRoles, Audit: true, Handler: http.HandlerFunc(c.privacyExport)},
	}
	if c.deps.Decisions != nil {
		pages = append(pages, Page{Pattern: "POST /privacy/cases/{id}", Roles: privacyRoles, Handler: http.HandlerFunc(c.privacyDecide)})
	}
	return pages
}

// casesView is the privacy page's data.
type casesView struct {
	Analysed bool
	Summary  *privacy.Summary
	Cases    []caseRow
	Follow   *followView // nil: the analysis is fed as events arrive
}

// followView is how far an API node's analysis has read the events the
// detect nodes store.
type followView struct {
	CaughtUp time.Time // zero: not yet
}

// noDecisions answers every case as undecided, when no decision log is
// kept.
type noDecisions struct{}

func (noDecisions) Get(id string) (privacy.Decision, bool) {
	return privacy.Decision{CaseID: id}, false
}

// decisions is where the pages read case outcomes from.
func (c *Console) decisions() decisionSource {
	if c.deps.Decisions == nil {
		return noDecisions{}
	}
	return c.deps.Decisions
}

// privacyCases answers GET /privacy: the ranked cases of the last
// analysis.
func (c *Console) privacyCases(w http.ResponseWriter, r *http.Request) {
	v := casesView{}
	if f := c.deps.PrivacyCaughtUp; f != nil {
		v.Follow = &followView{CaughtUp: f()}
	}
	if res := c.deps.Privacy.Result(); res != nil {
		v.Analysed, v.Summary, v.Cases = true, &res.Summary, caseRows(res.Cases, c.decisions(), c.deps.Now())
	}
	c.Render(w, r, http.StatusOK, "privacy", v)
}

// privacyCase answers GET /privacy/cases/{id}: the evidence pack, the
// timelines and the outcome form.
func (c *Console) privacyCase(w http.ResponseWriter, r *http.Request) {
	res := c.deps.Privacy.Result()
	if res == nil {
		c.Error(w, r, http.StatusNotFound, "No analysis yet", "Vigil has not finished its first analysis of record accesses. Try again in a minute.")
		return
	}
	v, err := newCaseView(res, r.PathValue("id"), c.decisions(), c.deps.Now())
	if errors.Is(err, privacy.ErrNoCase) {
		c.Error(w, r, http.StatusNotFound, "No such case", "There is no case "+r.PathValue("id")+" in the last analysis. Cases that nothing raises any more leave the list; go back to the list of cases.")
		return
	}
	if err != nil {
		c.deps.Log.Error("console: privacy case", "case", r.PathValue("id"), "err", err)
		c.Error(w, r, http.StatusInternalServerError, "The case could not be shown", "Vigil could not gather this case's evidence. Tell the administrator.")
		return
	}
	c.Render(w, r, http.StatusOK, "privacy_case", struct {
		*caseView
		CanDecide bool
	}{v, c.deps.Decisions != nil})
}

// privacyDecide answers POST /privacy/cases/{id}: it records the outcome
// chosen, or confirms a reportable breach, and returns to the case.
func (c *Console) privacyDecide(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, _ := auth.FromContext(r.Context())
	choice, note := r.PostFormValue("outcome"), strings.TrimSpace(r.PostFormValue("note"))
	now := c.deps.Now()
	var err error
	switch choice {
	case "":
		err = errors.New("no outcome was chosen")
	case outcomeBreach:
		_, err = c.deps.Decisions.ConfirmBreach(id, p.Name, now)
	default:
		_, err = c.deps.Decisions.Record(id, privacy.Outcome(choice), p.Name, note, now)
	}
	c.audit(r, "privacy case outcome", "case "+id+" outcome "+choice, err)
	if err != nil {
		c.Error(w, r, http.StatusBadRequest, "The outcome was not recorded", "Vigil could not record it: "+err.Error()+". Go back to the case and choose one of the outcomes listed.")
		return
	}
	http.Redirect(w, r, "/privacy/cases/"+url.PathEscape(id)+"#outcome", http.StatusSeeOther)
}

// privacyFindPatient answers the patient look-up form: to the patient's
// page by NHS number.
func (c *Console) privacyFindPatient(w http.ResponseWriter, r *http.Request) {
	nhs := access.NormaliseNHSNumber(r.URL.Query().Get("nhs"))
	if nhs == "" {
		c.Error(w, r, http.StatusBadRequest, "No NHS number given", "Type the patient's NHS number (ten digits) to see who opened their record.")
		return
	}
	http.Redirect(w, r, "/privacy/patients/"+url.PathEscape(nhs), http.StatusSeeOther)
}

// privacyPatient answers GET /privacy/patients/{nhs}: the patient's
// access report, as the patient would be given it.
func (c *Console) privacyPatient(w http.ResponseWriter, r *http.Request) {
	pr, ok := c.patientReport(w, r)
	if !ok {
		return
	}
	c.Render(w, r, http.StatusOK, "privacy_patient", newPatientView(pr))
}

// reportTypes are the downloads' content types and file extensions.
var reportTypes = map[string][2]string{
	"csv":  {"text/csv; charset=utf-8", "csv"},
	"fhir": {"application/fhir+json", "json"},
	"pdf":  {"application/pdf", "pdf"},
}

// privacyExport answers GET /privacy/patients/{nhs}/report/{format}: the
// report as a download (FHIR Bundle, CSV or PDF). The guard audits the
// request; the download is audited again with what was given.
func (c *Console) privacyExport(w http.ResponseWriter, r *http.Request) {
	format := r.PathValue("format")
	ct, ok := reportTypes[format]
	if !ok {
		c.Error(w, r, http.StatusNotFound, "No such format", "The report comes as fhir, csv or pdf.")
		return
	}
	pr, ok := c.patientReport(w, r)
	if !ok {
		return
	}
	if err := c.recordPatientReport(r, pr, format); err != nil {
		c.audit(r, "patient report download", "patient "+pr.NHSNumber+" format "+format, err)
		c.deps.Log.Error("console: patient report record", "err", err)
		c.Error(w, r, http.StatusInternalServerError, "The report was not given", "Vigil could not record that this report was given, and every report given must be recorded. Tell the administrator.")
		return
	}
	c.audit(r, "patient report download", "patient "+pr.NHSNumber+" format "+format, nil)
	w.Header().Set("Content-Type", ct[0])
	w.Header().Set("Content-Disposition", `attachment; filename="access-report-`+fileSafe(pr.NHSNumber)+`.`+ct[1]+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := privacy.WriteReport(w, format, pr); err != nil {
		c.deps.Log.Error("console: patient report", "format", format, "err", err)
	}
}

// patientReport builds the report of the patient in the path, or answers
// why it cannot.
func (c *Console) patientReport(w http.ResponseWriter, r *http.Request) (*privacy.PatientReport, bool) {
	res := c.deps.Privacy.Result()
	if res == nil {
		c.Error(w, r, http.StatusNotFound, "No analysis yet", "Vigil has not finished its first analysis of record accesses. Try again in a minute.")
		return nil, false
	}
	nhs := access.NormaliseNHSNumber(r.PathValue("nhs"))
	if nhs == "" {
		c.Error(w, r, http.StatusBadRequest, "No NHS number given", "Type the patient's NHS number (ten digits).")
		return nil, false
	}
	return res.PatientReport(nhs, c.deps.Now()), true
}

// audit writes what a change or a download did beside the guard's entry
// for the request; err is the reason it was refused, if it was.
func (c *Console) audit(r *http.Request, action, object string, err error) {
	if c.deps.Audit == nil {
		return
	}
	outcome := "done"
	if err != nil {
		outcome = "refused: " + err.Error()
	}
	if aerr := c.deps.Audit(r, action, object, outcome); aerr != nil {
		c.deps.Log.Error("console: audit log", "action", action, "err", aerr)
	}
}

// fileSafe keeps the letters, digits and dashes of an identifier, for a
// file name in a header.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, s)
}
