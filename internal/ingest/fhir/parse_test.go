package fhir

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// minimal is a valid R4 AuditEvent that the tests modify.
const minimal = `{"resourceType":"AuditEvent","recorded":"2024-01-02T03:04:05Z","agent":[{"requestor":true,"who":{"reference":"Practitioner/1"}}]%s}`

func withExtra(extra string) string { return strings.Replace(minimal, "%s", extra, 1) }

func TestParseAuditEventErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "invalid JSON"},
		{"not json", `{"resourceType":`, "invalid JSON at byte 16"},
		{"trailing garbage", withExtra("") + `x`, "invalid JSON"},
		{"no resourceType", `{"recorded":"2024-01-02T03:04:05Z"}`, "resourceType: is missing (want AuditEvent)"},
		{"other resource", `{"resourceType":"Patient","id":"p1"}`, `resourceType: is "Patient", not AuditEvent`},
		{"no recorded", `{"resourceType":"AuditEvent","agent":[{}]}`, "recorded: is missing"},
		{"bad recorded", `{"resourceType":"AuditEvent","recorded":"yesterday","agent":[{}]}`, `recorded: invalid: "yesterday" is not a FHIR dateTime`},
		{"bad period", withExtra(`,"period":{"start":"2024-13-01"}`), `period.start: invalid`},
		{"bad action", withExtra(`,"action":"X"`), `action: "X" is not one of C, R, U, D, E`},
		{"bad R4 outcome", withExtra(`,"outcome":"1"`), `outcome: "1" is not one of 0, 4, 8, 12`},
		{"no agent", `{"resourceType":"AuditEvent","recorded":"2024-01-02T03:04:05Z"}`, "agent: is missing"},
		{"R5 agent without who", `{"resourceType":"AuditEvent","recorded":"2024-01-02T03:04:05Z","code":{"text":"x"},"agent":[{"who":{"display":"a"}},{"requestor":true}]}`, "agent[1]: who is missing (required in R5)"},
		{"wrong JSON type", withExtra(`,"action":5`), "action: is a JSON number, want a string"},
		{"wrong nested type", `{"resourceType":"AuditEvent","recorded":"2024-01-02T03:04:05Z","agent":[{"requestor":"yes"}]}`, "agent.requestor: is a JSON string, want a boolean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAuditEvent([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error, got %+v", a)
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestParseBundleErrors(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     []string
	}{
		{"document bundle", `{"resourceType":"Bundle","type":"document","entry":[]}`, 0,
			[]string{`type: bundle type "document" is not supported`}},
		{"not a bundle", `{"resourceType":"Patient"}`, 0, []string{`resourceType: is "Patient", want Bundle or AuditEvent`}},
		{"entry without resource", `{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"DELETE"}},{"resource":` + withExtra("") + `}]}`, 1,
			[]string{"entry[0].resource: is missing"}},
		{"bad entry keeps others", `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":` + withExtra("") + `},{"resource":{"resourceType":"AuditEvent","recorded":"x","agent":[{}]}},{"resource":` + withExtra("") + `}]}`, 2,
			[]string{`entry[1].resource.recorded: invalid: "x" is not a FHIR dateTime`}},
		{"single resource", withExtra(""), 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as, errs := ParseBundle([]byte(tt.in))
			if len(as) != tt.n {
				t.Errorf("got %d records, want %d", len(as), tt.n)
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("errors %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("error %q, want prefix %q", got[i], tt.want[i])
				}
			}
		})
	}
}

// TestR4AndR5Agree reads the same access written as R4 and as R5 and
// expects one record, apart from the version.
func TestR4AndR5Agree(t *testing.T) {
	r4 := `{"resourceType":"AuditEvent","id":"x",
	  "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},
	  "subtype":[{"system":"http://hl7.org/fhir/restful-interaction","code":"read"}],
	  "action":"R","recorded":"2024-01-02T03:04:05Z","period":{"start":"2024-01-02T03:04:00Z"},
	  "outcome":"4","outcomeDesc":"minor",
	  "purposeOfEvent":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}]}],
	  "agent":[{"who":{"identifier":{"value":"u1"},"display":"U One"},"requestor":true,"network":{"address":"10.0.0.1","type":"2"}}],
	  "source":{"site":"ward","observer":{"display":"epr"}},
	  "entity":[{"what":{"reference":"Patient/p1"},"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-entity-type","code":"1"},"role":{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"1"}}]}`
	r5 := `{"resourceType":"AuditEvent","id":"x",
	  "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"}]}],
	  "code":{"coding":[{"system":"http://hl7.org/fhir/restful-interaction","code":"read"}]},
	  "action":"R","recorded":"2024-01-02T03:04:05Z","occurredPeriod":{"start":"2024-01-02T03:04:00Z"},
	  "outcome":{"code":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-outcome","code":"4"},"detail":[{"text":"minor"}]},
	  "authorization":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}]}],
	  "patient":{"reference":"Patient/p1"},
	  "agent":[{"who":{"identifier":{"value":"u1"},"display":"U One"},"requestor":true,"networkString":"10.0.0.1"}],
	  "source":{"site":{"display":"ward"},"observer":{"display":"epr"}},
	  "entity":[{"what":{"reference":"Patient/p1"},"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"1"}]}}]}`
	a4, err := ParseAuditEvent([]byte(r4))
	if err != nil {
		t.Fatal(err)
	}
	a5, err := ParseAuditEvent([]byte(r5))
	if err != nil {
		t.Fatal(err)
	}
	if a4.Format != "fhir-r4" || a5.Format != "fhir-r5" {
		t.Fatalf("formats %q and %q, want fhir-r4 and fhir-r5", a4.Format, a5.Format)
	}
	a5.Format = a4.Format
	if !reflect.DeepEqual(a4, a5) {
		t.Fatalf("R4 and R5 differ:\nR4 %+v\nR5 %+v", a4.Access, a5.Access)
	}
	if a4.Occurred.IsZero() || a4.Outcome != "4" || a4.OutcomeDetail != "minor" || a4.Site != "ward" || a4.NetworkAddress != "10.0.0.1" {
		t.Fatalf("fields missing: %+v", a4.Access)
	}
}

func TestBreakGlass(t *testing.T) {
	const actReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	const dcm = "http://dicom.nema.org/resources/ontology/DCM"
	tests := []struct {
		name, extra string
		want        bool
	}{
		{"none", ``, false},
		{"R4 purposeOfEvent BTG", `,"purposeOfEvent":[{"coding":[{"system":"` + actReason + `","code":"BTG"}]}]`, true},
		{"R5 authorization BTG", `,"authorization":[{"coding":[{"system":"` + actReason + `","code":"BTG"}]}]`, true},
		{"BTG with no system", `,"purposeOfEvent":[{"coding":[{"code":"BTG"}]}]`, true},
		{"BTG from another system", `,"purposeOfEvent":[{"coding":[{"system":"urn:example","code":"BTG"}]}]`, false},
		{"meta.security BTG", `,"meta":{"security":[{"system":"` + actReason + `","code":"BTG"}]}`, true},
		{"entity securityLabel BTG", `,"entity":[{"securityLabel":[{"system":"` + actReason + `","code":"BTG"}]}]`, true},
		{"subtype emergency override started", `,"subtype":[{"system":"` + dcm + `","code":"110127"}]`, true},
		{"R5 code emergency override started", `,"code":{"coding":[{"system":"` + dcm + `","code":"110127"}]}`, true},
		{"emergency override stopped", `,"subtype":[{"system":"` + dcm + `","code":"110138"}]`, false},
		{"ETREAT alone", `,"purposeOfEvent":[{"coding":[{"system":"` + actReason + `","code":"ETREAT"}]}]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAuditEvent([]byte(withExtra(tt.extra)))
			if err != nil {
				t.Fatal(err)
			}
			if a.BreakGlass != tt.want {
				t.Fatalf("BreakGlass = %v, want %v", a.BreakGlass, tt.want)
			}
		})
	}
}

func TestNHSNumberExtraction(t *testing.T) {
	tests := []struct {
		name, extra, want string
		ids               int
	}{
		{"entity NHS number with spaces", `,"entity":[{"what":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"943 476 5919"}}}]`, "9434765919", 1},
		{"R5 patient identifier", `,"patient":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}}`, "9434765919", 1},
		{"bad check digit is kept as id only", `,"entity":[{"what":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"}}}]`, "", 1},
		{"CX with NHS OID", `,"entity":[{"role":{"code":"1"},"what":{"identifier":{"value":"9434765919^^^&2.16.840.1.113883.2.1.4.1&ISO"}}}]`, "9434765919", 1},
		{"local id is not NHS", `,"entity":[{"role":{"code":"1"},"what":{"identifier":{"system":"urn:example:mrn","value":"9434765919"}}}]`, "", 1},
		{"patient agent", `,"entity":[],"agent":[{"requestor":true,"who":{"reference":"Patient/me","identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}}}]`, "9434765919", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := withExtra(tt.extra)
			if strings.Contains(tt.extra, `"agent"`) {
				in = `{"resourceType":"AuditEvent","recorded":"2024-01-02T03:04:05Z"` + tt.extra + `}`
			}
			a, err := ParseAuditEvent([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if a.NHSNumber != tt.want || len(a.PatientIDs) != tt.ids {
				t.Fatalf("NHSNumber %q with %d ids (%+v), want %q with %d", a.NHSNumber, len(a.PatientIDs), a.PatientIDs, tt.want, tt.ids)
			}
		})
	}
}

func TestReaderNDJSON(t *testing.T) {
	in := "\xef\xbb\xbf" + withExtra(`,"id":"one"`) + "\n\n" +
		`{"resourceType":"Patient"}` + "\r\n" +
		"not json\n" +
		withExtra(`,"id":"two"`) // no final newline
	r := NewReader(strings.NewReader(in), "audit.ndjson")
	var ids, errs []string
	for {
		a, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		ids = append(ids, a.ID)
	}
	if !reflect.DeepEqual(ids, []string{"one", "two"}) {
		t.Errorf("ids %q, want one, two", ids)
	}
	want := []string{`audit.ndjson:3: resourceType: is "Patient", not AuditEvent`, "audit.ndjson:4: invalid JSON at byte 2"}
	if len(errs) != 2 || errs[0] != want[0] || !strings.HasPrefix(errs[1], want[1]) {
		t.Errorf("errors %q, want %q", errs, want)
	}
	if r.Line() != 5 {
		t.Errorf("Line() = %d, want 5", r.Line())
	}
}

func TestReaderLongLine(t *testing.T) {
	long := strings.Repeat(" ", MaxLineSize+10)
	r := NewReader(strings.NewReader(long+"\n"+withExtra(`,"id":"after"`)+"\n"), "big")
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "big:1: line is longer than") {
		t.Fatalf("err = %v, want a too-long error on line 1", err)
	}
	a, err := r.Next()
	if err != nil || a.ID != "after" {
		t.Fatalf("after a long line: %v %v", a, err)
	}
}
