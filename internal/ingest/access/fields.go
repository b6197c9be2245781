package access

import "github.com/vigilhealth/vigil/internal/event"

// Field names shared by every health audit format, interned once so that
// filling an event never interns per event.
var (
	FieldUserID         = event.Intern("user.id")
	FieldUserAltID      = event.Intern("user.alt_id")
	FieldUserName       = event.Intern("user.name")
	FieldUserRole       = event.Intern("user.role")
	FieldUserRequestor  = event.Intern("user.is_requestor")
	FieldPatientID      = event.Intern("patient.id")
	FieldPatientNHS     = event.Intern("patient.nhs_number")
	FieldPatientRef     = event.Intern("patient.reference")
	FieldEntityRef      = event.Intern("entity.reference")
	FieldPurposeOfUse   = event.Intern("purpose_of_use")
	FieldBreakGlass     = event.Intern("breakglass")
	FieldQuery          = event.Intern("query")
	FieldNetworkAddress = event.Intern("network.address")
	FieldOutcomeDetail  = event.Intern("outcome.detail")
	FieldSite           = event.Intern("source.site")
)

// AddFields adds the fields common to all formats: user.id, user.alt_id,
// user.name, user.role (one value per role code), user.is_requestor,
// patient.id (every identifier value), patient.nhs_number,
// patient.reference, entity.reference, purpose_of_use (codes), breakglass
// ("true" or "false"), query, network.address, outcome.detail and
// source.site. Empty values are left out, except the two booleans.
func (a *Access) AddFields(ev *event.Event) {
	addNonEmpty(ev, FieldUserID, a.UserID)
	addNonEmpty(ev, FieldUserAltID, a.UserAltID)
	addNonEmpty(ev, FieldUserName, a.UserName)
	for _, r := range a.UserRole {
		addNonEmpty(ev, FieldUserRole, r)
	}
	ev.Add(FieldUserRequestor, boolString(a.Requestor))
	for _, id := range a.PatientIDs {
		ev.Add(FieldPatientID, id.Value)
	}
	addNonEmpty(ev, FieldPatientNHS, a.NHSNumber)
	for _, r := range a.PatientRefs {
		ev.Add(FieldPatientRef, r)
	}
	for _, r := range a.EntityRefs {
		ev.Add(FieldEntityRef, r)
	}
	for _, p := range a.PurposeOfUse {
		addNonEmpty(ev, FieldPurposeOfUse, p.Code)
	}
	ev.Add(FieldBreakGlass, boolString(a.BreakGlass))
	addNonEmpty(ev, FieldQuery, a.Query)
	addNonEmpty(ev, FieldNetworkAddress, a.NetworkAddress)
	addNonEmpty(ev, FieldOutcomeDetail, a.OutcomeDetail)
	addNonEmpty(ev, FieldSite, a.Site)
}

// FieldCount is the most values AddFields adds for a, so that a caller
// can presize the event (event.Event.Grow) before adding them.
func (a *Access) FieldCount() int {
	const single = 10 // user id, alt id, name, requestor, NHS number, breakglass, query, address, detail, site
	return single + len(a.UserRole) + len(a.PatientIDs) + len(a.PatientRefs) + len(a.EntityRefs) + len(a.PurposeOfUse)
}

func addNonEmpty(ev *event.Event, id event.FieldID, v string) {
	if v != "" {
		ev.Add(id, v)
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
