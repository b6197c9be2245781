// Package access holds the normalised record of one access to patient data
// (or one security-relevant action) that every health audit format is read
// into: FHIR AuditEvent (R4 and R5) and DICOM / IHE ATNA audit messages. The
// privacy analytics explain each access from this one shape, whatever wire
// format reported it.
package access
