// Package fhir reads FHIR AuditEvent resources, R4 and R5, as electronic
// patient record systems report who opened which patient's record (IHE
// Basic Audit Log Patterns). It reads single resources, Bundles of them and
// NDJSON streams, and normalises each into an Access record and a Vigil
// event with product "fhir", service "auditevent".
//
// R4 and R5 differ in shape (R4 type/subtype/outcome code/purposeOfEvent and
// agent network; R5 category/code/outcome{code,detail}/authorization/patient
// and agent network[x]); both, and the transitional builds that mix them,
// are read into one Access.
package fhir
