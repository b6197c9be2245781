package privacy

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nhsList returns the first n valid NHS numbers of the test range.
func nhsList(n int) []string {
	out := make([]string, 0, n)
	for i := 0; len(out) < n; i++ {
		d := fmt.Sprintf("999%06d", i)
		sum := 0
		for j := 0; j < 9; j++ {
			sum += int(d[j]-'0') * (10 - j)
		}
		if c := (11 - sum%11) % 11; c != 10 {
			out = append(out, d+fmt.Sprint(c))
		}
	}
	return out
}

// nhs returns the n-th valid NHS number in the 999 range reserved for
// testing (numbers whose check digit would be 10 are never issued).
func nhs(n int) string {
	for i := 0; ; i++ {
		d := fmt.Sprintf("999%06d", i)
		sum := 0
		for j := 0; j < 9; j++ {
			sum += int(d[j]-'0') * (10 - j)
		}
		c := 11 - sum%11
		if c == 11 {
			c = 0
		}
		if c == 10 {
			continue
		}
		if n == 0 {
			return d + fmt.Sprint(c)
		}
		n--
	}
}

// adtSpec is one ADT message of a hand-built trust, in the shape the
// synthetic trust and real PAS feeds send (v2.4, CR separators).
type adtSpec struct {
	event, at, operator      string // trigger, EVN-2 time, EVN-5 user id
	nhs, family, given, dob  string
	street, city, postcode   string
	death                    string
	nk1                      string // NK1-2^NK1-3 as "FAMILY^GIVEN|REL"
	ward, service, visit     string
	attending, referring     string
	consulting, admit, disch string
}

func (s adtSpec) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MSH|^~\\&|PAS|RX1|VIGIL|RX1|%s||ADT^%s^ADT_A01|%s-%s|P|2.4\r", s.at, s.event, s.nhs, s.at)
	fmt.Fprintf(&b, "EVN|%s|%s|||%s\r", s.event, s.at, xcn(s.operator))
	pid := make([]string, 30)
	pid[0], pid[1] = "PID", "1"
	pid[3] = s.nhs + "^^^NHS^NH"
	pid[5] = s.family + "^" + s.given
	pid[7] = s.dob
	pid[11] = s.street + "^^" + s.city + "^^" + s.postcode
	pid[29] = s.death
	fmt.Fprintf(&b, "%s\r", strings.TrimRight(strings.Join(pid, "|"), "|"))
	if s.nk1 != "" {
		name, rel, _ := strings.Cut(s.nk1, "|")
		fmt.Fprintf(&b, "NK1|1|%s|%s\r", name, rel)
	}
	if s.ward != "" || s.attending != "" {
		pv1 := make([]string, 46)
		pv1[0], pv1[1] = "PV1", "1"
		pv1[2] = "I"
		pv1[3] = s.ward
		pv1[7] = xcn(s.attending)
		pv1[8] = xcn(s.referring)
		pv1[9] = xcn(s.consulting)
		pv1[10] = s.service
		pv1[19] = s.visit
		pv1[44] = s.admit
		pv1[45] = s.disch
		fmt.Fprintf(&b, "%s\r", strings.TrimRight(strings.Join(pv1, "|"), "|"))
	}
	return b.String() + "\n"
}

func xcn(id string) string {
	if id == "" {
		return ""
	}
	return id + "^" + strings.ToUpper(id) + "^X"
}

// auditEvent writes a FHIR R4 AuditEvent in the IHE BALP shape. kind is
// "read", "search", "bg-start" or "bg-stop"; nhsNumbers are the patient
// entities (for a search, the patients listed).
func auditEvent(id, at, user, kind string, nhsNumbers ...string) string {
	typ := `{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"}`
	sub := `{"system":"http://hl7.org/fhir/restful-interaction","code":"read"}`
	action := "R"
	purpose := "TREAT"
	switch kind {
	case "search":
		sub = `{"system":"http://hl7.org/fhir/restful-interaction","code":"search-type"}`
		action = "E"
	case "bg-start", "bg-stop":
		typ = `{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110113"}`
		code := "110127"
		if kind == "bg-stop" {
			code = "110138"
		}
		sub = `{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"` + code + `"}`
		action, purpose = "E", "ETREAT"
	}
	var ents []string
	for _, n := range nhsNumbers {
		ents = append(ents, `{"what":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"`+n+`"}},"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-entity-type","code":"1"},"role":{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"1"}}`)
	}
	if kind == "search" {
		q := base64.StdEncoding.EncodeToString([]byte("GET /Patient?family=smith"))
		ents = append(ents, `{"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-entity-type","code":"2"},"role":{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"24"},"query":"`+q+`"}`)
	}
	return fmt.Sprintf(`{"resourceType":"AuditEvent","id":%q,"type":%s,"subtype":[%s],"action":%q,"recorded":%q,"outcome":"0",`+
		`"agent":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},"who":{"identifier":{"system":"https://vigil.example/staff","value":%q}},"requestor":true,`+
		`"purposeOfUse":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":%q}]}]}],`+
		`"source":{"observer":{"display":"EPR"}},"entity":[%s]}`+"\n", id, typ, sub, action, at, user, purpose, strings.Join(ents, ","))
}

// writeFile writes content to name under dir and returns the path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
