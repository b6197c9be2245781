// Package privacy audits who opened which patient's record. It follows
// explanation-based auditing (Fabbri and LeFevre, VLDB 2012 and JAMIA
// 2013): each access is first explained from the care relationships the
// organisation's own data records (visits, appointments, referrals, wards,
// care teams mined from who works together, registration clerks, justified
// break-glass), and only what stays unexplained is examined by detectors
// (family, co-worker, VIP, neighbour, self, deceased, mass look-up, no
// relationship, department mismatch, out of hours, break-glass misuse,
// repeat offender). Findings are grouped into ranked cases with evidence in
// plain English. docs/privacy.md describes the method and its weights.
//
// Inputs are the staff roster (CSV), HL7 v2 ADT and SIU messages, FHIR
// AuditEvents and DICOM/ATNA audit messages (as access.Access), a VIP watch
// list and break-glass reviews. An Auditor collects them and Run analyses
// them; it is not safe for concurrent use.
package privacy
