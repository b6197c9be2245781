package atna

import (
	"errors"
	"strings"
	"testing"
)

// msg builds a small DICOM-style message around the given parts.
func msg(event, rest string) string {
	return `<?xml version="1.0"?><AuditMessage>` + event +
		`<ActiveParticipant UserID="u1" UserIsRequestor="true" NetworkAccessPointID="10.0.0.9" NetworkAccessPointTypeCode="2"/>` +
		`<AuditSourceIdentification AuditSourceID="pacs"/>` + rest + `</AuditMessage>`
}

const okEvent = `<EventIdentification EventActionCode="R" EventDateTime="2024-01-02T03:04:05Z" EventOutcomeIndicator="0"><EventID csd-code="110110" codeSystemName="DCM" originalText="Patient Record"/></EventIdentification>`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "byte 0: no AuditMessage element"},
		{"not xml", `hello`, "no AuditMessage element"},
		{"wrong root", `<Audit/>`, "Audit (byte 0): root element is not AuditMessage"},
		{"unclosed", `<AuditMessage>` + okEvent, "AuditMessage (byte "},
		{"mismatched tags", `<AuditMessage><EventIdentification></ActiveParticipant></AuditMessage>`, "EventIdentification (byte "},
		{"no event", `<AuditMessage><AuditSourceIdentification AuditSourceID="a"/></AuditMessage>`, "AuditMessage: EventIdentification is missing"},
		{"no event id", msg(`<EventIdentification EventDateTime="2024-01-02T03:04:05Z"/>`, ``), "EventIdentification (byte 35): EventID is missing"},
		{"bad date", msg(strings.Replace(okEvent, "2024-01-02T03:04:05Z", "2024-01-02 03:04", 1), ``), `EventIdentification (byte 35): EventDateTime: "2024-01-02 03:04" is not an xs:dateTime`},
		{"no date", msg(strings.Replace(okEvent, `EventDateTime="2024-01-02T03:04:05Z"`, ``, 1), ``), "EventDateTime is missing"},
		{"bad action", msg(strings.Replace(okEvent, `"R"`, `"X"`, 1), ``), `EventActionCode "X" is not one of`},
		{"bad outcome", msg(strings.Replace(okEvent, `EventOutcomeIndicator="0"`, `EventOutcomeIndicator="3"`, 1), ``), `EventOutcomeIndicator "3" is not one of`},
		{"bad requestor", `<AuditMessage>` + okEvent + `<ActiveParticipant UserID="a" UserIsRequestor="yes"/><AuditSourceIdentification AuditSourceID="a"/></AuditMessage>`,
			`ActiveParticipant[0] (byte 219): UserIsRequestor "yes" is not a boolean`},
		{"no user id", `<AuditMessage>` + okEvent + `<ActiveParticipant UserIsRequestor="true"/><AuditSourceIdentification AuditSourceID="a"/></AuditMessage>`, "ActiveParticipant[0] (byte 219): UserID is missing"},
		{"no source", `<AuditMessage>` + okEvent + `</AuditMessage>`, "AuditSourceIdentification is missing"},
		{"no source id", `<AuditMessage>` + okEvent + `<AuditSourceIdentification/></AuditMessage>`, "AuditSourceIdentification (byte 219): AuditSourceID is missing"},
		{"no object id", msg(okEvent, `<ParticipantObjectIdentification ParticipantObjectTypeCode="1"/>`), "ParticipantObjectIdentification[0] (byte "},
		{"bad instance count", msg(okEvent, `<ParticipantObjectIdentification ParticipantObjectID="1.2"><SOPClass UID="1.2.3" NumberOfInstances="many"/></ParticipantObjectIdentification>`),
			`SOPClass 1.2.3: NumberOfInstances "many" is not a count`},
		{"unknown encoding", `<?xml version="1.0" encoding="EBCDIC"?><AuditMessage/>`, `unsupported encoding "EBCDIC"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error, got %+v", m)
			}
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

// TestBareAmpersandOffsets checks that offsets stay those of the original
// input when bare "&" had to be escaped before it.
func TestBareAmpersandOffsets(t *testing.T) {
	in := `<AuditMessage><X a="A&B&C"/>` + okEvent + `<ActiveParticipant UserID="a&amp;b" UserIsRequestor="maybe"/><AuditSourceIdentification AuditSourceID="s"/></AuditMessage>`
	_, err := Parse([]byte(in))
	want := strings.Index(in, "<ActiveParticipant")
	var ae *Error
	if !errors.As(err, &ae) || ae.Offset != int64(want) {
		t.Fatalf("err = %v, want an error at byte %d", err, want)
	}
	m, err := Parse([]byte(msg(okEvent, `<ParticipantObjectIdentification ParticipantObjectID="P1^^^A&1.2.3&ISO" ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1"/>`)))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Objects[0].ID; got != "P1^^^A&1.2.3&ISO" {
		t.Fatalf("object id %q", got)
	}
}

func TestBothAttributeStyles(t *testing.T) {
	dicom := msg(`<EventIdentification EventActionCode="E" EventDateTime="2024-01-02T03:04:05Z" EventOutcomeIndicator="0"><EventID csd-code="110112" codeSystemName="DCM" originalText="Query"/><EventTypeCode csd-code="ITI-9" codeSystemName="IHE Transactions" originalText="PIX Query"/></EventIdentification>`, ``)
	rfc := msg(`<EventIdentification EventActionCode="E" EventDateTime="2024-01-02T03:04:05Z" EventOutcomeIndicator="0"><EventID code="110112" codeSystemName="DCM" displayName="Query"/><EventTypeCode code="ITI-9" codeSystemName="IHE Transactions" displayName="PIX Query"/></EventIdentification>`, ``)
	a, err := Parse([]byte(dicom))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(rfc))
	if err != nil {
		t.Fatal(err)
	}
	if a.Event.ID != b.Event.ID || a.Event.Types[0] != b.Event.Types[0] || a.Event.ID.Display != "Query" || b.Event.Types[0].Code != "ITI-9" {
		t.Fatalf("styles differ: %+v vs %+v", a.Event, b.Event)
	}
}

func TestAccessBreakGlassAndNHS(t *testing.T) {
	in := msg(`<EventIdentification EventActionCode="E" EventDateTime="2024-01-02T03:04:05" EventOutcomeIndicator="0">`+
		`<EventID csd-code="110113" codeSystemName="DCM" originalText="Security Alert"/>`+
		`<EventTypeCode csd-code="110127" codeSystemName="DCM" originalText="Emergency Override Started"/></EventIdentification>`,
		`<ParticipantObjectIdentification ParticipantObjectID="943 476 5919^^^NHS^NH" ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1"/>`+
			`<ParticipantObjectIdentification ParticipantObjectID="12345^^^RX1^MR" ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1"/>`)
	m, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	a := m.Access()
	if !a.BreakGlass || a.NHSNumber != "9434765919" || len(a.PatientIDs) != 2 || a.UserID != "u1" || a.NetworkAddress != "10.0.0.9" {
		t.Fatalf("access %+v", a)
	}
	if m.Event.DateTime.Location().String() != "UTC" || m.Event.DateTime.Hour() != 3 {
		t.Fatalf("zone-less time read as %v, want 03:04:05 UTC", m.Event.DateTime)
	}
	purpose := msg(strings.Replace(okEvent, `</EventIdentification>`, `<PurposeOfUse csd-code="BTG" codeSystemName="urn:oid:2.16.840.1.113883.5.8"/></EventIdentification>`, 1), ``)
	if m, err = Parse([]byte(purpose)); err != nil || !m.Access().BreakGlass {
		t.Fatalf("PurposeOfUse BTG: err %v, breakglass %v", err, err == nil && m.Access().BreakGlass)
	}
}

func TestFromSyslog(t *testing.T) {
	const xml = `<?xml version="1.0"?><AuditMessage/>`
	tests := []struct {
		name, in, want, err string
	}{
		{"rfc5424", `<85>1 2024-01-02T03:04:05Z host app 12 IHE+RFC-3881 - ` + xml, xml, ""},
		{"rfc5424 bom", "<85>1 2024-01-02T03:04:05Z host app 12 IHE+DICOM - \xef\xbb\xbf" + xml + "\n", xml, ""},
		{"rfc5424 sd", `<85>1 2024-01-02T03:04:05Z host app - - [x@1 a="q\"]<?xml" b="c d"][y@2] ` + xml, xml, ""},
		{"rfc5424 nil fields and newline", "<85>1 - - - - - -\n" + xml, xml, ""},
		{"octet count", `33 <85>1 - - - - - - <AuditMessage/>` + "\n", `<AuditMessage/>`, ""},
		{"rfc3164", `<85>Jan  2 03:04:05 host atna: ` + xml, xml, ""},
		{"bare xml", "  " + xml + "\r\n", xml, ""},
		{"octet count too large", `99 <85>1 - - - - - - <AuditMessage/>`, "", "octet count 99 is longer than"},
		{"no pri", `hello <AuditMessage/>`, "", "no <PRI>"},
		{"bad pri", `<8x>1 - - - - - - <AuditMessage/>`, "", `PRI "8x" is not a number`},
		{"short header", `<85>1 2024-01-02T03:04:05Z host`, "", "header ends before field 2"},
		{"unclosed sd", `<85>1 - - - - - [x@1 a="b"`, "", "structured data element is not closed"},
		{"no xml", `<85>1 - - - - - - plain text`, "", "carries no AuditMessage XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromSyslog([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
