package atna

import "github.com/vigilhealth/vigil/internal/ingest/access"

// The x* types mirror the XML. Codes carry both attribute styles: DICOM
// PS3.15 (csd-code, originalText) and RFC 3881 (code, displayName).

type xCode struct {
	CsdCode      string `xml:"csd-code,attr"`
	Code         string `xml:"code,attr"`
	System       string `xml:"codeSystemName,attr"`
	SystemOID    string `xml:"codeSystem,attr"`
	OriginalText string `xml:"originalText,attr"`
	DisplayName  string `xml:"displayName,attr"`
}

// coding reads either style, preferring the DICOM attributes.
func (c *xCode) coding() access.Coding {
	if c == nil {
		return access.Coding{}
	}
	return access.Coding{
		Code:    first(c.CsdCode, c.Code),
		System:  first(c.System, c.SystemOID),
		Display: first(c.OriginalText, c.DisplayName),
	}
}

func codings(cs []xCode) []access.Coding {
	var out []access.Coding
	for i := range cs {
		out = append(out, cs[i].coding())
	}
	return out
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

type xEvent struct {
	Action             string  `xml:"EventActionCode,attr"`
	DateTime           string  `xml:"EventDateTime,attr"`
	Outcome            string  `xml:"EventOutcomeIndicator,attr"`
	ID                 *xCode  `xml:"EventID"`
	Types              []xCode `xml:"EventTypeCode"`
	OutcomeDescription string  `xml:"EventOutcomeDescription"`
	PurposeOfUse       []xCode `xml:"PurposeOfUse"`
}

type xParticipant struct {
	UserID       *string `xml:"UserID,attr"`
	AltUserID    string  `xml:"AlternativeUserID,attr"`
	UserName     string  `xml:"UserName,attr"`
	IsRequestor  string  `xml:"UserIsRequestor,attr"`
	NAPID        string  `xml:"NetworkAccessPointID,attr"`
	NAPType      string  `xml:"NetworkAccessPointTypeCode,attr"`
	UserTypeCode string  `xml:"UserTypeCode,attr"`
	Roles        []xCode `xml:"RoleIDCode"`
	UserIDType   *xCode  `xml:"UserIDTypeCode"`
	Media        []struct {
		Type xCode `xml:"MediaType"`
	} `xml:"MediaIdentifier"`
}

type xSource struct {
	ID    *string `xml:"AuditSourceID,attr"`
	Site  string  `xml:"AuditEnterpriseSiteID,attr"`
	Types []xCode `xml:"AuditSourceTypeCode"`
	// Some RFC 3881 producers put the source type code on the element.
	Code string `xml:"code,attr"`
}

// xDICOMObject holds the DICOM-specific parts of an object. DICOM PS3.15
// places them directly in ParticipantObjectIdentification; dcm4chee and
// older layouts nest them in ParticipantObjectDescription. Both are read.
type xDICOMObject struct {
	SOPClasses []struct {
		UID       string `xml:"UID,attr"`
		Instances string `xml:"NumberOfInstances,attr"`
	} `xml:"SOPClass"`
	Accessions []struct {
		Number string `xml:"Number,attr"`
	} `xml:"Accession"`
	Studies []struct {
		UID string `xml:"UID,attr"`
	} `xml:"ParticipantObjectContainsStudy>StudyIDs"`
}

type xObject struct {
	ID          *string `xml:"ParticipantObjectID,attr"`
	TypeCode    string  `xml:"ParticipantObjectTypeCode,attr"`
	Role        string  `xml:"ParticipantObjectTypeCodeRole,attr"`
	LifeCycle   string  `xml:"ParticipantObjectDataLifeCycle,attr"`
	Sensitivity string  `xml:"ParticipantObjectSensitivity,attr"`
	IDType      *xCode  `xml:"ParticipantObjectIDTypeCode"`
	Name        string  `xml:"ParticipantObjectName"`
	Query       string  `xml:"ParticipantObjectQuery"`
	Details     []struct {
		Type  string `xml:"type,attr"`
		Value string `xml:"value,attr"`
	} `xml:"ParticipantObjectDetail"`
	Description struct {
		Text string `xml:",chardata"`
		xDICOMObject
	} `xml:"ParticipantObjectDescription"`
	xDICOMObject
}

// xCodeOf is a coding with only a code, for codes given as one attribute.
func xCodeOf(code string) access.Coding { return access.Coding{Code: code} }
