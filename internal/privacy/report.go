package privacy

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// PatientReport is what a patient sees of who opened their record: every
// opening and break-glass, who (name and role from the roster), when (in
// the organisation's local time, with its zone), and why it was explained,
// or that it is under review.
type PatientReport struct {
	NHSNumber string
	Name      string
	Generated time.Time
	Location  *time.Location
	Entries   []TimelineEntry
}

// ReportFormats are the formats WriteReport accepts.
var ReportFormats = []string{"csv", "fhir", "pdf"}

// UnderReviewText is what the patient reads for an access that is part of
// a case.
const UnderReviewText = "under review"

// PatientReport builds the report for the patient with this NHS number
// (or other identifier), generated at now. A patient with no accesses
// gets a report with no entries.
func (r *Result) PatientReport(nhs string, now time.Time) *PatientReport {
	pr := &PatientReport{NHSNumber: access.NormaliseNHSNumber(nhs), Generated: now, Location: london()}
	if r.a != nil {
		pr.Location = r.a.opts.Location
		if p, ok := r.a.pats.lookup(r.a.canonicalKey(pr.NHSNumber)); ok {
			pr.Name = r.a.patientName(&r.a.patients[p])
		}
	}
	pr.Entries = r.PatientTimeline(pr.NHSNumber)
	return pr
}

// Reason is what the patient reads for entry e: the explanation, "under
// review", or that nothing explains it yet.
func (pr *PatientReport) Reason(e *TimelineEntry) string {
	switch {
	case e.UnderReview():
		return UnderReviewText
	case e.Explanation != "":
		return e.Explanation
	case e.Action != "opened":
		return "emergency access (break-glass) " + strings.TrimPrefix(e.Action, "break-glass ")
	}
	return "not yet explained"
}

// When writes an entry's time in local time with its zone.
func (pr *PatientReport) When(t time.Time) string {
	return t.In(pr.Location).Format("2006-01-02 15:04 MST")
}

// Who writes "J. Smith, Consultant (Cardiology)".
func (pr *PatientReport) Who(e *TimelineEntry) (name, role string) {
	role = e.UserRole
	if e.Department != "" {
		role = strings.TrimSpace(role + " (" + e.Department + ")")
	}
	return e.UserName, role
}

// WriteReport writes the report in format (csv, fhir or pdf).
func WriteReport(w io.Writer, format string, pr *PatientReport) error {
	switch format {
	case "csv":
		return pr.WriteCSV(w)
	case "fhir":
		return pr.WriteFHIR(w)
	case "pdf":
		return pr.WritePDF(w)
	}
	return fmt.Errorf("unknown report format %q (want %s)", format, strings.Join(ReportFormats, ", "))
}

// WriteCSV writes one row per access: time, user id, name, role, action,
// reason, case id.
func (pr *PatientReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"time", "user_id", "user_name", "role", "action", "reason", "case_id"}); err != nil {
		return fmt.Errorf("patient report: %w", err)
	}
	for i := range pr.Entries {
		e := &pr.Entries[i]
		name, role := pr.Who(e)
		if err := cw.Write([]string{pr.When(e.Time), e.UserID, name, role, e.Action, pr.Reason(e), e.CaseID}); err != nil {
			return fmt.Errorf("patient report: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// ExplanationExtension is the URL of the extension that carries the
// explanation's code on each AuditEvent of the FHIR report.
const ExplanationExtension = "https://vigil.example/fhir/StructureDefinition/access-explanation"

// WriteFHIR writes a FHIR R4 Bundle of type collection: the Patient, then
// one AuditEvent per access, each naming the user (id, name, role), the
// patient (reference and NHS number), the explanation in outcomeDesc, and
// its code (or "under-review") in an extension.
func (pr *PatientReport) WriteFHIR(w io.Writer) error {
	type obj = map[string]any
	patRef := "Patient/" + pr.NHSNumber
	nhsID := obj{"system": access.NHSNumberSystem, "value": pr.NHSNumber}
	patient := obj{"resourceType": "Patient", "id": pr.NHSNumber, "identifier": []obj{nhsID}}
	if pr.Name != "" {
		patient["name"] = []obj{{"text": pr.Name}}
	}
	entries := []obj{{"fullUrl": "urn:vigil:" + patRef, "resource": patient}}
	for i := range pr.Entries {
		e := &pr.Entries[i]
		name, role := pr.Who(e)
		code := e.Reason
		if e.UnderReview() {
			code = "under-review"
		} else if code == "" {
			code = "unexplained"
		}
		ae := obj{
			"resourceType": "AuditEvent", "id": fmt.Sprintf("access-%d", i+1),
			"type":     obj{"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest"},
			"subtype":  []obj{fhirSubtype(e.Action)},
			"action":   map[bool]string{true: "R", false: "E"}[e.Action == "opened"],
			"recorded": e.Time.UTC().Format(time.RFC3339),
			"outcome":  "0", "outcomeDesc": pr.Reason(e),
			"extension": []obj{{"url": ExplanationExtension, "valueCode": code}},
			"agent": []obj{{"who": obj{"identifier": obj{"value": e.UserID}, "display": name},
				"role": []obj{{"text": role}}, "requestor": true}},
			"source": obj{"observer": obj{"display": "Vigil patient-data guardian"}},
			"entity": []obj{{"what": obj{"reference": patRef, "identifier": nhsID},
				"type": obj{"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1"},
				"role": obj{"system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1"}}},
		}
		entries = append(entries, obj{"fullUrl": fmt.Sprintf("urn:vigil:AuditEvent/access-%d", i+1), "resource": ae})
	}
	b := obj{"resourceType": "Bundle", "type": "collection", "timestamp": pr.Generated.UTC().Format(time.RFC3339),
		"total": len(pr.Entries), "entry": entries}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("patient report: %w", err)
	}
	return bw.Flush()
}

// fhirSubtype codes an action: a read, or the DICOM emergency override
// start and stop.
func fhirSubtype(action string) map[string]any {
	switch action {
	case "break-glass started":
		return map[string]any{"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110127", "display": "Emergency Override Started"}
	case "break-glass ended":
		return map[string]any{"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110138", "display": "Emergency Override Stopped"}
	}
	return map[string]any{"system": "http://hl7.org/fhir/restful-interaction", "code": "read"}
}
