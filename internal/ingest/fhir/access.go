package fhir

import "github.com/vigilhealth/vigil/internal/ingest/access"

// Access is one AuditEvent normalised into the shared access record (see
// package access for the meaning of each field). How FHIR elements map:
//
//   - Type: R4 type, else the first coding of R5 category; Subtypes: R4
//     subtype, R5 code and any further category codings.
//   - Outcome: the R4 code or the R5 outcome.code; OutcomeDetail: R4
//     outcomeDesc or the first R5 outcome.detail text.
//   - The user is the first agent with requestor true, else the first
//     "humanuser" agent. UserID is its who.identifier value, else
//     who.reference; UserName its R4 name, else who.display; UserRole the
//     codes of its type and roles; UserAltID its R4 altId.
//   - NetworkAddress is the user's network address (R4 network.address, R5
//     networkString/networkUri/networkReference), else the first agent
//     address of type 2 (IP address), else the first address of any agent.
//   - Patients: R5 patient; entities with role Patient (object-role 1), of
//     type Patient, or whose what.reference is a Patient; agents whose who
//     is a Patient; and any identifier in the NHS number system. A patient
//     identifier without a system but in HL7 v2 CX form is read as CX.
//     PatientRefs drop a "/_history/n" version suffix.
//   - Query: the first entity.query, base64-decoded (kept as given if it
//     is not valid base64).
//   - BreakGlass: see access.IsBreakGlass; purposes, authorizations,
//     security labels, type, subtype, category and code are all checked.
type Access struct {
	access.Access
}
