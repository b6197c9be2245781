package atna

import (
	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// Access returns m as the shared access record:
//
//   - Type is the EventID, Subtypes the EventTypeCodes; Action, Outcome,
//     OutcomeDetail and Recorded come from EventIdentification.
//   - The user is the first participant with UserIsRequestor true, else
//     the first participant; UserRole holds its RoleIDCode codes and
//     NetworkAddress its NetworkAccessPointID.
//   - PatientIDs are the ids of patient objects (type 1, role 1), read as
//     HL7 v2 CX values; an NHS number is recognised by its assigning
//     authority (namespace NHS or the NHS number OID).
//   - EntityRefs are the ids of the other objects; Query is the first
//     decoded ParticipantObjectQuery.
//   - BreakGlass: see access.IsBreakGlass (EventTypeCode DCM 110127 or
//     PurposeOfUse BTG).
//   - Source is AuditSourceID, Site AuditEnterpriseSiteID.
func (m *Message) Access() *access.Access {
	a := &access.Access{
		Format:        "atna",
		Recorded:      m.Event.DateTime,
		Action:        m.Event.Action,
		Type:          m.Event.ID,
		Subtypes:      m.Event.Types,
		Outcome:       m.Event.Outcome,
		OutcomeDetail: m.Event.OutcomeDescription,
		PurposeOfUse:  m.Event.PurposeOfUse,
		Source:        m.Source.ID,
		Site:          m.Source.EnterpriseSiteID,
	}
	if u := m.User(); u != nil {
		a.UserID, a.UserAltID, a.UserName = u.UserID, u.AlternativeUserID, u.UserName
		a.Requestor = u.IsRequestor
		a.NetworkAddress = u.NetworkAccessPointID
		for _, r := range u.Roles {
			a.UserRole = append(a.UserRole, r.Code)
		}
	}
	for i := range m.Objects {
		o := &m.Objects[i]
		switch {
		case o.IsPatient():
			a.AddPatientID(access.ParseCX(o.ID))
		default:
			a.AddEntityRef(o.ID)
		}
		if a.Query == "" {
			a.Query = o.Query
		}
	}
	a.BreakGlass = access.IsBreakGlass(m.Event.ID) || access.IsBreakGlass(m.Event.Types...) ||
		access.IsBreakGlass(m.Event.PurposeOfUse...)
	return a
}

// User returns the participant that asked for the action: the first with
// UserIsRequestor true, else the first; nil if there is none.
func (m *Message) User() *ActiveParticipant {
	for i := range m.Participants {
		if m.Participants[i].IsRequestor {
			return &m.Participants[i]
		}
	}
	if len(m.Participants) > 0 {
		return &m.Participants[0]
	}
	return nil
}
