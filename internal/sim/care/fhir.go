package care

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Code systems and identifier systems the access log uses.
const (
	StaffSystem     = "https://vigil.example/staff"                       // agent who.identifier of a user
	NHSSystem       = "https://fhir.nhs.uk/Id/nhs-number"                 // entity what.identifier of a patient
	JobRoleSystem   = "https://vigil.example/fhir/CodeSystem/job-role"    // agent role: the roster's job_role
	ListedSystem    = "https://vigil.example/fhir/CodeSystem/entity-role" // entity role of a search result
	ListedCode      = "listed"                                            // ...code: listed, not opened
	epr             = "epr.vigil-general.nhs.uk"
	auditTypeSystem = "http://terminology.hl7.org/CodeSystem/audit-event-type"
	restSystem      = "http://hl7.org/fhir/restful-interaction"
	dcmSystem       = "http://dicom.nema.org/resources/ontology/DCM"
	actReasonSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	entityTypeSys   = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
	objectRoleSys   = "http://terminology.hl7.org/CodeSystem/object-role"
)

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendCoding appends {"system":..,"code":..,"display":..}.
func appendCoding(b []byte, system, code, display string) []byte {
	b = append(b, `{"system":`...)
	b = appendJSONString(b, system)
	b = append(b, `,"code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"display":`...)
	b = appendJSONString(b, display)
	return append(b, '}')
}

// eventID is a UUID-shaped id fixed by the seed, the day and the event's
// place in that day.
func eventID(seed uint64, day, seq int) string {
	a := uint64(hash01(seed, day, seq) * (1 << 53))
	c := uint64(hash01(seed^0xabcdef, day, seq) * (1 << 53))
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", a>>21, a>>5&0xffff, c>>40&0xfff, c>>28&0xfff, c&0xffffffffffff)
}

// appendAuditEvent appends one access as a FHIR R4 AuditEvent on one line.
func (w *World) appendAuditEvent(b []byte, a *access, id string) []byte {
	b = append(b, `{"resourceType":"AuditEvent","id":"`...)
	b = append(b, id...)
	b = append(b, `","type":`...)
	switch a.Kind {
	case evBGStart, evBGStop:
		b = appendCoding(b, dcmSystem, "110113", "Security Alert")
		b = append(b, `,"subtype":[`...)
		if a.Kind == evBGStart {
			b = appendCoding(b, dcmSystem, "110127", "Emergency Override Started")
		} else {
			b = appendCoding(b, dcmSystem, "110138", "Emergency Override Stopped")
		}
		b = append(b, `],"action":"E"`...)
	case evSearch:
		b = appendCoding(b, auditTypeSystem, "rest", "Restful Operation")
		b = append(b, `,"subtype":[`...)
		b = appendCoding(b, restSystem, "search-type", "search-type")
		b = append(b, `],"action":"E"`...)
	default:
		b = appendCoding(b, auditTypeSystem, "rest", "Restful Operation")
		b = append(b, `,"subtype":[`...)
		b = appendCoding(b, restSystem, "read", "read")
		b = append(b, `],"action":"R"`...)
	}
	b = append(b, `,"recorded":"`...)
	b = a.At.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","outcome":"0","agent":[`...)
	b = w.appendUser(b, a)
	b = append(b, ',')
	b = w.appendMachines(b, a)
	b = append(b, `],"source":{"site":"Vigil General Hospital","observer":{"display":"`+epr+`"},"type":[`...)
	b = appendCoding(b, "http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")
	b = append(b, `]},"entity":[`...)
	b = w.appendEntities(b, a)
	return append(b, "]}\n"...)
}

// appendUser appends the requesting user: BALP's information recipient,
// with the smartcard id, name, job role and purpose of use.
func (w *World) appendUser(b []byte, a *access) []byte {
	s := &w.Staff[a.User]
	name := s.Given + " " + s.Family
	b = append(b, `{"type":{"coding":[`...)
	b = appendCoding(b, "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient")
	b = append(b, `]},"role":[{"coding":[`...)
	b = appendCoding(b, JobRoleSystem, s.Role.String(), s.Role.String())
	b = append(b, `],"text":`...)
	b = appendJSONString(b, s.Role.String()+", "+w.Depts[s.Dept].Name)
	b = append(b, `}],"who":{"identifier":{"system":"`+StaffSystem+`","value":"`...)
	b = append(b, s.ID...)
	b = append(b, `"},"display":`...)
	b = appendJSONString(b, name)
	b = append(b, `},"name":`...)
	b = appendJSONString(b, name)
	b = append(b, `,"requestor":true,"purposeOfUse":[{"coding":[`...)
	if a.Emergency {
		b = appendCoding(b, actReasonSystem, "ETREAT", "emergency treatment")
	} else {
		b = appendCoding(b, actReasonSystem, "TREAT", "treatment")
	}
	return append(b, `]}]}`...)
}

// appendMachines appends the workstation (client) and the EPR server. As
// in DICOM and IHE, for a query the client is the Source Role ID; for a
// read it is the Destination.
func (w *World) appendMachines(b []byte, a *access) []byte {
	client, server := "110152", "110153"
	if a.Kind == evSearch {
		client, server = server, client
	}
	host, ip := w.workstation(a)
	b = append(b, `{"type":{"coding":[`...)
	b = appendCoding(b, dcmSystem, client, roleIDName(client))
	b = append(b, `]},"who":{"display":"`...)
	b = append(b, host...)
	b = append(b, `"},"requestor":false,"network":{"address":"`...)
	b = append(b, ip...)
	b = append(b, `","type":"2"}},{"type":{"coding":[`...)
	b = appendCoding(b, dcmSystem, server, roleIDName(server))
	return append(b, `]},"who":{"display":"`+epr+`"},"requestor":false,"network":{"address":"https://`+epr+`/fhir","type":"5"}}`...)
}

func roleIDName(code string) string {
	if code == "110153" {
		return "Source Role ID"
	}
	return "Destination Role ID"
}

// workstation is the host a user worked from: one of their department's
// PCs, or the VPN for access from home.
func (w *World) workstation(a *access) (string, string) {
	s := &w.Staff[a.User]
	if a.Remote {
		n := int(a.User)
		return "VPN-" + s.ID, "10.250." + strconv.Itoa(n/250%250) + "." + strconv.Itoa(1+n%250)
	}
	d := &w.Depts[s.Dept]
	pc := 1 + int(hash01(w.cfg.Seed, int(a.User), a.At.YearDay())*12)
	return d.Code + "-PC" + strconv.Itoa(pc), "10." + strconv.Itoa(d.Net[0]) + "." + strconv.Itoa(d.Net[1]) + "." + strconv.Itoa(10+pc)
}

// appendEntities appends the patient opened (BALP PatientRead: type
// Person, role Patient), or for a search the query and every patient it
// listed, each with role "listed".
func (w *World) appendEntities(b []byte, a *access) []byte {
	if a.Kind != evSearch {
		return w.appendPatient(b, a.Patient, a.NHS, objectRoleSys, "1", "Patient")
	}
	b = append(b, `{"type":`...)
	b = appendCoding(b, entityTypeSys, "2", "System Object")
	b = append(b, `,"role":`...)
	b = appendCoding(b, objectRoleSys, "24", "Query")
	b = append(b, `,"description":`...)
	b = appendJSONString(b, "GET /fhir/Patient?"+a.Query)
	b = append(b, `,"query":"`...)
	b = base64.StdEncoding.AppendEncode(b, []byte("GET https://"+epr+"/fhir/Patient?"+a.Query+"\nAccept: application/fhir+json"))
	b = append(b, `"}`...)
	for _, p := range a.Listed {
		b = append(b, ',')
		b = w.appendPatient(b, p, "", ListedSystem, ListedCode, "Listed in search results, not opened")
	}
	return b
}

func (w *World) appendPatient(b []byte, p int32, nhs, roleSystem, roleCode, roleDisplay string) []byte {
	pt := &w.Patients[p]
	if nhs == "" {
		nhs = pt.NHS
	}
	b = append(b, `{"what":{"reference":"Patient/`...)
	b = append(b, pt.MRN...)
	b = append(b, `","identifier":{"system":"`+NHSSystem+`","value":"`...)
	b = append(b, nhs...)
	b = append(b, `"}},"type":`...)
	b = appendCoding(b, entityTypeSys, "1", "Person")
	b = append(b, `,"role":`...)
	b = appendCoding(b, roleSystem, roleCode, roleDisplay)
	return append(b, '}')
}

// searchQuery is the query string of a patient search.
func searchQuery(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	return v.Encode()
}

// birthParam formats a birth date for a search.
func birthParam(t time.Time) string { return t.Format("2006-01-02") }
