package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// Trust identifiers in the electronic patient record's and the PAS's
// messages (a fictional ODS code).
const (
	trustODS = "RXX01"
	eprHost  = "EPR-SRV01"
	pasHost  = "PAS-SRV01"
)

// workingHours reports whether at is in the day shift's busy hours, when
// most record access happens.
func workingHours(at time.Time) bool {
	h := at.Local().Hour()
	return h >= 8 && h < 18
}

// patientOf returns the NHS number and MRN of patient k of a ward: a
// stable list per ward, so that the same patients recur as in a real ward.
func patientOf(ward, k int) (nhs, mrn string) {
	for base := 400000000 + ward*10000 + k*13; ; base++ {
		if n, ok := nhsNumber(base); ok {
			return n, fmt.Sprintf("MRN%06d", ward*1000+k)
		}
	}
}

// nhsNumber appends the modulus 11 check digit to nine digits; ok is false
// for the numbers that have none (check digit 10).
func nhsNumber(nine int) (string, bool) {
	s := fmt.Sprintf("%09d", nine)
	sum := 0
	for i, c := range s {
		sum += int(c-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		check = 0
	case 10:
		return "", false
	}
	return fmt.Sprintf("%s%d", s, check), true
}

// auditEvent is the EPR's FHIR R4 AuditEvent of a clinician reading a
// patient's record on their ward, or searching the ward's patients, for
// treatment (purpose of use TREAT), from a ward workstation.
func (t *Trust) auditEvent(r *rand.Rand, at time.Time, p Person, ward int, ws Host) Event {
	nhs, _ := patientOf(ward, r.IntN(24))
	subtype, action := "read", "R"
	entity := map[string]any{
		"what": map[string]any{"reference": "Patient/" + nhs, "identifier": map[string]any{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs}},
		"type": coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
		"role": coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
	}
	if r.IntN(4) == 0 {
		subtype, action = "search-type", "E"
		entity = map[string]any{
			"type":  coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
			"role":  coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"),
			"query": base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "Patient?_has:Encounter:patient:location=Ward%d", ward)),
		}
	}
	res := map[string]any{
		"resourceType":   "AuditEvent",
		"id":             fmt.Sprintf("epr-%d-%08x", at.UnixMilli(), r.Uint32()),
		"type":           coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
		"subtype":        []any{coding("http://hl7.org/fhir/restful-interaction", subtype, subtype)},
		"action":         action,
		"recorded":       at.UTC().Format("2006-01-02T15:04:05.000Z"),
		"outcome":        "0",
		"purposeOfEvent": []any{map[string]any{"coding": []any{coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT", "treatment")}}},
		"agent": []any{map[string]any{
			"type":      map[string]any{"coding": []any{coding("http://terminology.hl7.org/CodeSystem/extra-security-role-type", "humanuser", "human user")}},
			"who":       map[string]any{"identifier": map[string]any{"value": p.Account}, "display": p.Name},
			"name":      p.Name,
			"requestor": true,
			"network":   map[string]any{"address": ws.FQDN(), "type": "1"},
		}},
		"source": map[string]any{"site": fmt.Sprintf("Ward %d", ward), "observer": map[string]any{"display": t.Host(eprHost).FQDN()},
			"type": []any{coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")}},
		"entity": []any{entity},
	}
	b, _ := json.Marshal(res) // maps of strings and slices: cannot fail
	return Event{Time: at, Host: t.Host(eprHost).FQDN(), FHIR: b}
}

func coding(system, code, display string) map[string]any {
	return map[string]any{"system": system, "code": code, "display": display}
}

// adtEvents are the ADT trigger events of the feed, and their weights.
var adtEvents = []struct {
	trigger string
	weight  int
}{{"A01", 3}, {"A02", 2}, {"A03", 3}, {"A08", 4}}

// adtMessage is the PAS's HL7 v2.4 ADT message about a patient of a ward:
// an admission, transfer, discharge or update, keyed by a ward clerk.
func (t *Trust) adtMessage(r *rand.Rand, at time.Time, ward int) Event {
	n := r.IntN(12)
	trigger := adtEvents[len(adtEvents)-1].trigger
	for _, e := range adtEvents {
		if n < e.weight {
			trigger = e.trigger
			break
		}
		n -= e.weight
	}
	k := r.IntN(24)
	nhs, mrn := patientOf(ward, k)
	ts := at.Local().Format("20060102150405")
	ctl := fmt.Sprintf("PAS%d%04d", at.Unix(), r.IntN(10000))
	family := []string{"SMITH", "JONES", "WILLIAMS", "TAYLOR", "DAVIES", "EVANS", "THOMAS", "ROBERTS"}[k%8]
	given := []string{"MARY", "JOHN", "SUSAN", "DAVID", "ANN", "PETER"}[k%6]
	clerk, consultant := t.Staff[2], t.Staff[1]
	msg := "MSH|^~\\&|PAS|" + trustODS + "|VIGIL|" + trustODS + "|" + ts + "||ADT^" + trigger + "|" + ctl + "|P|2.4\r" +
		"EVN|" + trigger + "|" + ts + "||||" + clerk.Account + "^Murphy^Sinead\r" +
		fmt.Sprintf("PID|1||%s^^^NHS^NH~%s^^^%s^MR||%s^%s||%d0101|%s\r", nhs, mrn, trustODS, family, given, 1940+k*2, []string{"F", "M"}[k%2]) +
		fmt.Sprintf("PV1|1|I|WARD%d^BED%02d^^%s||||%s^Okafor^James\r", ward, 1+k, trustODS, consultant.Account)
	fields := map[string]any{"logsource": map[string]any{"product": "hl7", "service": "adt"}, "host": trustODS,
		"hl7.type": "ADT^" + trigger, "hl7.control_id": ctl, "patient.nhs_number": nhs, "visit.ward": fmt.Sprintf("WARD%d", ward)}
	return Event{Time: at, Host: t.Host(pasHost).FQDN(), HL7: msg, Fields: fields}
}
