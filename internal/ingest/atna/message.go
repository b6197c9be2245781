package atna

import (
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// Message is one AuditMessage.
type Message struct {
	Event        EventIdentification `json:"event"`
	Participants []ActiveParticipant `json:"participants,omitempty"`
	Source       AuditSource         `json:"source"`
	Objects      []ParticipantObject `json:"objects,omitempty"`
}

// EventIdentification says what happened, when, and how it ended.
type EventIdentification struct {
	ID                 access.Coding   `json:"id"`                // EventID, e.g. DCM 110112 Query
	Action             string          `json:"action,omitempty"`  // EventActionCode: C, R, U, D or E
	DateTime           time.Time       `json:"date_time"`         // EventDateTime, in UTC
	Outcome            string          `json:"outcome,omitempty"` // EventOutcomeIndicator: 0, 4, 8 or 12
	OutcomeDescription string          `json:"outcome_description,omitempty"`
	Types              []access.Coding `json:"types,omitempty"` // EventTypeCode list
	PurposeOfUse       []access.Coding `json:"purpose_of_use,omitempty"`
}

// ActiveParticipant is a user, process or node taking part in the event.
type ActiveParticipant struct {
	UserID                     string          `json:"user_id"`
	AlternativeUserID          string          `json:"alternative_user_id,omitempty"`
	UserName                   string          `json:"user_name,omitempty"`
	IsRequestor                bool            `json:"is_requestor"`
	Roles                      []access.Coding `json:"roles,omitempty"`          // RoleIDCode list
	UserTypeCode               string          `json:"user_type_code,omitempty"` // DICOM: 1 person, 2 process
	UserIDType                 access.Coding   `json:"user_id_type,omitzero"`
	NetworkAccessPointID       string          `json:"network_access_point_id,omitempty"`
	NetworkAccessPointTypeCode string          `json:"network_access_point_type_code,omitempty"` // 1 name, 2 IP, 3 phone
	Media                      []access.Coding `json:"media,omitempty"`                          // MediaIdentifier/MediaType
}

// AuditSource is the system that detected and reported the event.
type AuditSource struct {
	ID               string          `json:"id"`
	EnterpriseSiteID string          `json:"enterprise_site_id,omitempty"`
	Types            []access.Coding `json:"types,omitempty"` // AuditSourceTypeCode list
}

// ParticipantObject is something the event touched: a patient, a study, a
// query, a document set.
type ParticipantObject struct {
	TypeCode      string        `json:"type_code,omitempty"`      // 1 person, 2 system object, 3 organisation, 4 other
	TypeCodeRole  string        `json:"type_code_role,omitempty"` // e.g. 1 patient, 3 report, 24 query
	DataLifeCycle string        `json:"data_life_cycle,omitempty"`
	Sensitivity   string        `json:"sensitivity,omitempty"`
	IDType        access.Coding `json:"id_type"` // ParticipantObjectIDTypeCode
	ID            string        `json:"id"`
	Name          string        `json:"name,omitempty"`
	// Query is the ParticipantObjectQuery, base64-decoded (kept as given
	// when it is not valid base64).
	Query       string     `json:"query,omitempty"`
	Details     []Detail   `json:"details,omitempty"`
	Description string     `json:"description,omitempty"`
	SOPClasses  []SOPClass `json:"sop_classes,omitempty"`
	Accessions  []string   `json:"accessions,omitempty"`
	StudyUIDs   []string   `json:"study_uids,omitempty"`
}

// Detail is a ParticipantObjectDetail type/value pair; Value is decoded
// from base64 when it is valid base64, as DICOM requires.
type Detail struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// SOPClass is a DICOM SOP class and how many instances of it were involved.
type SOPClass struct {
	UID               string `json:"uid"`
	NumberOfInstances int    `json:"number_of_instances,omitempty"`
}

// IsPatient reports whether o is a patient: type 1 (person), role 1 (patient).
func (o *ParticipantObject) IsPatient() bool { return o.TypeCode == "1" && o.TypeCodeRole == "1" }
