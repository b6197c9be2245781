// Package atna reads DICOM / IHE ATNA audit messages: the RFC 3881 and
// DICOM PS3.15 (A.5) AuditMessage XML that imaging and integration systems
// send, usually over syslog. It reads both attribute styles (DICOM
// csd-code/originalText and the older RFC 3881 code/displayName) into a
// typed Message, extracts the XML from a syslog line, and makes Vigil
// events (product "dicom", service "atna") and shared access records.
package atna
