package access

import "strings"

// Break-glass ("emergency override") is reported in two ways, and both are
// recognised:
//
//   - as a reason: the HL7 v3 ActReason code BTG ("break the glass") in a
//     purpose of use (FHIR R4 purposeOfEvent or agent.purposeOfUse, R5
//     authorization or agent.authorization, ATNA PurposeOfUse) or as a
//     security label (meta.security, entity.securityLabel);
//   - as the event itself: the DICOM code 110127 "Emergency Override
//     Started" as event type, subtype, category or code, as in the FHIR
//     example auditevent-example-breakglass-start (type 110113 Security
//     Alert, subtype 110127) and in DICOM PS3.15 Security Alert messages.
//
// DICOM 110138 "Emergency Override Stopped" ends a period and is not itself
// an access under override, so it does not set BreakGlass (its code stays in
// Subtypes). ActReason ETREAT ("emergency treatment") alone is a routine
// purpose in emergency care and is not taken as break-glass either.
const (
	codeBTG                   = "BTG"
	codeEmergencyOverrideOn   = "110127"
	codeEmergencyOverrideStop = "110138"
)

// IsBreakGlassReason reports whether c is the ActReason BTG code, from the
// v3 ActReason code system (by URI or OID) or with no system given.
func IsBreakGlassReason(c Coding) bool {
	if c.Code != codeBTG {
		return false
	}
	s := c.System
	return s == "" || strings.HasSuffix(s, "ActReason") || s == "urn:oid:2.16.840.1.113883.5.8"
}

// IsBreakGlassEvent reports whether c is DICOM 110127 Emergency Override
// Started, from the DICOM code system (FHIR URI, ATNA "DCM", OID) or with no
// system given.
func IsBreakGlassEvent(c Coding) bool {
	if c.Code != codeEmergencyOverrideOn {
		return false
	}
	switch c.System {
	case "", "DCM", "http://dicom.nema.org/resources/ontology/DCM", "urn:oid:1.2.840.10008.2.16.4", "1.2.840.10008.2.16.4":
		return true
	}
	return false
}

// IsBreakGlass reports whether any coding marks break-glass, as a reason or
// as an event.
func IsBreakGlass(codes ...Coding) bool {
	for _, c := range codes {
		if IsBreakGlassReason(c) || IsBreakGlassEvent(c) {
			return true
		}
	}
	return false
}
