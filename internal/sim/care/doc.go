// Package care generates a synthetic NHS care trust for testing the
// patient-data guardian: staff with departments, roles and rotas; patients
// with names, addresses, households and next of kin; admissions, transfers,
// discharges, emergency attendances and outpatient appointments as HL7 v2
// ADT and SIU messages; and the access log of the electronic patient record
// as FHIR R4 AuditEvents in the IHE Basic Audit Log Patterns shape.
//
// Nearly every access in the log comes from a care process and carries the
// reason that produced it (direct care, ward, team, referral, clerk,
// service, justified break-glass, search). Into it are injected insider
// misuse of every kind the guardian detects, each recorded with its ground
// truth in truth.json. The same seed gives byte-identical files. See
// docs/privacy-sim.md for the model and its realism choices.
package care
