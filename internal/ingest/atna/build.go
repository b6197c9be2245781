package atna

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// build checks the decoded XML and makes the typed Message.
func (m *rawMessage) build() (*Message, error) {
	out := &Message{}
	if m.event == nil {
		return nil, &Error{Element: "AuditMessage", Offset: -1, Msg: "EventIdentification is missing"}
	}
	if err := buildEvent(&out.Event, m.event, m.eventOff); err != nil {
		return nil, err
	}
	if m.source == nil {
		return nil, &Error{Element: "AuditMessage", Offset: -1, Msg: "AuditSourceIdentification is missing"}
	}
	if m.source.ID == nil {
		return nil, &Error{Element: "AuditSourceIdentification", Offset: m.sourceOff, Msg: "AuditSourceID is missing"}
	}
	out.Source = AuditSource{ID: *m.source.ID, EnterpriseSiteID: m.source.Site, Types: codings(m.source.Types)}
	if len(out.Source.Types) == 0 && m.source.Code != "" {
		out.Source.Types = append(out.Source.Types, xCodeOf(m.source.Code))
	}
	for i := range m.participants {
		p, err := buildParticipant(&m.participants[i])
		if err != nil {
			return nil, &Error{Element: fmt.Sprintf("ActiveParticipant[%d]", i), Offset: m.partOffs[i], Msg: err.Error()}
		}
		out.Participants = append(out.Participants, p)
	}
	for i := range m.objects {
		o, err := buildObject(&m.objects[i])
		if err != nil {
			return nil, &Error{Element: fmt.Sprintf("ParticipantObjectIdentification[%d]", i), Offset: m.objectOffs[i], Msg: err.Error()}
		}
		out.Objects = append(out.Objects, o)
	}
	return out, nil
}

func buildEvent(e *EventIdentification, x *xEvent, off int64) error {
	fail := func(format string, args ...any) error {
		return &Error{Element: "EventIdentification", Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	if x.ID == nil || x.ID.coding().Code == "" {
		return fail("EventID is missing or has no code")
	}
	e.ID = x.ID.coding()
	switch x.Action {
	case "", "C", "R", "U", "D", "E":
		e.Action = x.Action
	default:
		return fail("EventActionCode %q is not one of C, R, U, D, E", x.Action)
	}
	switch x.Outcome {
	case "", "0", "4", "8", "12":
		e.Outcome = x.Outcome
	default:
		return fail("EventOutcomeIndicator %q is not one of 0, 4, 8, 12", x.Outcome)
	}
	if x.DateTime == "" {
		return fail("EventDateTime is missing")
	}
	t, err := parseDateTime(x.DateTime)
	if err != nil {
		return fail("EventDateTime: %v", err)
	}
	e.DateTime = t
	e.OutcomeDescription = strings.TrimSpace(x.OutcomeDescription)
	e.Types = codings(x.Types)
	e.PurposeOfUse = codings(x.PurposeOfUse)
	return nil
}

func buildParticipant(x *xParticipant) (ActiveParticipant, error) {
	p := ActiveParticipant{
		AlternativeUserID:          x.AltUserID,
		UserName:                   x.UserName,
		Roles:                      codings(x.Roles),
		UserTypeCode:               x.UserTypeCode,
		UserIDType:                 x.UserIDType.coding(),
		NetworkAccessPointID:       x.NAPID,
		NetworkAccessPointTypeCode: x.NAPType,
	}
	if x.UserID == nil {
		return p, fmt.Errorf("UserID is missing")
	}
	p.UserID = *x.UserID
	switch strings.TrimSpace(x.IsRequestor) {
	case "true", "1":
		p.IsRequestor = true
	case "false", "0", "":
	default:
		return p, fmt.Errorf("UserIsRequestor %q is not a boolean", x.IsRequestor)
	}
	for _, m := range x.Media {
		p.Media = append(p.Media, m.Type.coding())
	}
	return p, nil
}

func buildObject(x *xObject) (ParticipantObject, error) {
	o := ParticipantObject{
		TypeCode:      x.TypeCode,
		TypeCodeRole:  x.Role,
		DataLifeCycle: x.LifeCycle,
		Sensitivity:   x.Sensitivity,
		IDType:        x.IDType.coding(),
		Name:          strings.TrimSpace(x.Name),
		Description:   strings.TrimSpace(x.Description.Text),
	}
	if x.ID == nil {
		return o, fmt.Errorf("ParticipantObjectID is missing")
	}
	o.ID = *x.ID
	if q := strings.TrimSpace(x.Query); q != "" {
		o.Query = decodeBase64(q)
	}
	for _, d := range x.Details {
		o.Details = append(o.Details, Detail{Type: d.Type, Value: decodeBase64(d.Value)})
	}
	for _, d := range []*xDICOMObject{&x.xDICOMObject, &x.Description.xDICOMObject} {
		if err := addDICOM(&o, d); err != nil {
			return o, err
		}
	}
	return o, nil
}

func addDICOM(o *ParticipantObject, d *xDICOMObject) error {
	for _, s := range d.SOPClasses {
		c := SOPClass{UID: s.UID}
		if s.Instances != "" {
			n, err := strconv.Atoi(strings.TrimSpace(s.Instances))
			if err != nil || n < 0 {
				return fmt.Errorf("SOPClass %s: NumberOfInstances %q is not a count", s.UID, s.Instances)
			}
			c.NumberOfInstances = n
		}
		o.SOPClasses = append(o.SOPClasses, c)
	}
	for _, a := range d.Accessions {
		o.Accessions = append(o.Accessions, a.Number)
	}
	for _, s := range d.Studies {
		o.StudyUIDs = append(o.StudyUIDs, s.UID)
	}
	return nil
}

// decodeBase64 decodes xs:base64Binary, which may be wrapped over lines;
// text that is not base64 is kept as given.
func decodeBase64(s string) string {
	compact := strings.Join(strings.Fields(s), "")
	if b, err := base64.StdEncoding.DecodeString(compact); err == nil {
		return string(b)
	}
	return s
}

// parseDateTime reads an xs:dateTime. A time without a zone is taken as
// UTC, which is what ATNA requires senders to use.
func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not an xs:dateTime (want e.g. 2024-05-01T10:30:00Z)", s)
}
