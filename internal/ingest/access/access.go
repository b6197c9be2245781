package access

import "time"

// Coding is one code from a code system (a FHIR Coding, an ATNA coded value).
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// Identifier is a business identifier: a value within the namespace System
// (a URI such as NHSNumberSystem, or an HL7 v2 assigning authority).
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value"`
}

// NHSNumberSystem is the FHIR identifier system of the NHS number.
const NHSNumberSystem = "https://fhir.nhs.uk/Id/nhs-number"

// Access is one audited action, normalised from the format that reported
// it. Fields the source did not carry are left zero.
type Access struct {
	// Format names the source format: "fhir-r4", "fhir-r5", "fhir" (a FHIR
	// resource that shows no version-specific element) or "atna".
	Format string `json:"format"`
	// ID is the resource id (FHIR); ATNA messages carry none.
	ID string `json:"id,omitempty"`
	// Recorded is when the event was recorded; Occurred when the activity
	// happened, if the source gives it separately (FHIR period/occurred[x]).
	Recorded time.Time `json:"recorded,omitzero"`
	Occurred time.Time `json:"occurred,omitzero"`
	// Action is C, R, U, D or E (create, read, update, delete, execute).
	Action string `json:"action,omitempty"`
	// Type is the kind of event: FHIR R4 type, the first coding of R5
	// category, or the ATNA EventID.
	Type Coding `json:"type"`
	// Subtypes refine Type: FHIR R4 subtype, R5 code (and any further
	// category codings), or the ATNA EventTypeCodes.
	Subtypes []Coding `json:"subtypes,omitempty"`
	// Outcome is 0, 4, 8 or 12 (success, minor, serious, major failure), or
	// the R5 outcome code as given; OutcomeDetail is its text.
	Outcome       string `json:"outcome,omitempty"`
	OutcomeDetail string `json:"outcome_detail,omitempty"`
	// The user is the agent that asked for the action (the requestor),
	// else the first human agent; see the format packages for details.
	UserID    string   `json:"user_id,omitempty"`
	UserAltID string   `json:"user_alt_id,omitempty"`
	UserName  string   `json:"user_name,omitempty"`
	UserRole  []string `json:"user_role,omitempty"`
	Requestor bool     `json:"requestor"`
	// PurposeOfUse is why the access was made: FHIR R4 purposeOfEvent and
	// agent purposeOfUse, R5 authorization, ATNA PurposeOfUse.
	PurposeOfUse []Coding `json:"purpose_of_use,omitempty"`
	// PatientIDs are the identifiers of the patients whose data was
	// touched; NHSNumber is the first valid NHS number among them.
	PatientIDs  []Identifier `json:"patient_ids,omitempty"`
	NHSNumber   string       `json:"nhs_number,omitempty"`
	PatientRefs []string     `json:"patient_refs,omitempty"`
	// EntityRefs are the references (FHIR what.reference) or object ids
	// (ATNA ParticipantObjectID) of everything else the event touched.
	EntityRefs []string `json:"entity_refs,omitempty"`
	// Query is the decoded query text, if the event was a query.
	Query string `json:"query,omitempty"`
	// BreakGlass reports an access under emergency override, or the start
	// of a break-glass period (see IsBreakGlass).
	BreakGlass bool `json:"breakglass"`
	// Source is the system that observed and reported the event; Site its
	// location or enterprise site.
	Source string `json:"source,omitempty"`
	Site   string `json:"site,omitempty"`
	// NetworkAddress is where the user's request came from.
	NetworkAddress string `json:"network_address,omitempty"`
}

// AddPatientID records a patient identifier, keeping the first valid NHS
// number in NHSNumber. Duplicates are dropped.
func (a *Access) AddPatientID(id Identifier) {
	if id.Value == "" {
		return
	}
	if IsNHSNumberSystem(id.System) {
		id.System = NHSNumberSystem
		id.Value = NormaliseNHSNumber(id.Value)
		if a.NHSNumber == "" && ValidNHSNumber(id.Value) {
			a.NHSNumber = id.Value
		}
	}
	for _, have := range a.PatientIDs {
		if have == id {
			return
		}
	}
	a.PatientIDs = append(a.PatientIDs, id)
}

// AddPatientRef records a reference to a patient resource, once.
func (a *Access) AddPatientRef(ref string) {
	if ref != "" && !contains(a.PatientRefs, ref) {
		a.PatientRefs = append(a.PatientRefs, ref)
	}
}

// AddEntityRef records a reference to something else the event touched, once.
func (a *Access) AddEntityRef(ref string) {
	if ref != "" && !contains(a.EntityRefs, ref) {
		a.EntityRefs = append(a.EntityRefs, ref)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
