package fhir

import (
	"github.com/vigilhealth/vigil/internal/event"
)

// Field names specific to FHIR AuditEvents.
var (
	fieldID      = event.Intern("fhir.id")
	fieldAction  = event.Intern("fhir.action")
	fieldType    = event.Intern("fhir.type")
	fieldSubtype = event.Intern("fhir.subtype")
	fieldOutcome = event.Intern("fhir.outcome")
	fieldVersion = event.Intern("fhir.version")
)

// LogSource is the Sigma log source of AuditEvents.
var LogSource = event.LogSource{Product: "fhir", Service: "auditevent"}

// ToEvent fills ev, which the caller has reset, from a: the log source
// (product fhir, service auditevent), ev.Time (Recorded, else Occurred),
// ev.Host (the source observer), and the fields fhir.id, fhir.version
// (the Format), fhir.action, fhir.type (code), fhir.subtype (one value per
// code), fhir.outcome, and the shared fields of access.Access.AddFields
// (user.*, patient.*, purpose_of_use, breakglass, query,
// network.address, ...). Source and Record are left to the caller. The
// event refers to a's strings, which never change. The event's storage is
// grown once, to fit them all, before they are added.
func (a *Access) ToEvent(ev *event.Event) {
	ev.Grow(a.fieldCount())
	ev.LogSource = LogSource
	ev.Time = a.Recorded
	if ev.Time.IsZero() {
		ev.Time = a.Occurred
	}
	ev.Host = a.Source
	if a.ID != "" {
		ev.Add(fieldID, a.ID)
	}
	ev.Add(fieldVersion, a.Format)
	if a.Action != "" {
		ev.Add(fieldAction, a.Action)
	}
	if a.Type.Code != "" {
		ev.Add(fieldType, a.Type.Code)
	}
	for _, s := range a.Subtypes {
		if s.Code != "" {
			ev.Add(fieldSubtype, s.Code)
		}
	}
	if a.Outcome != "" {
		ev.Add(fieldOutcome, a.Outcome)
	}
	a.AddFields(ev)
}

// fieldCount is the most field values ToEvent adds for a.
func (a *Access) fieldCount() int {
	const own = 5 // id, version, action, type, outcome
	return own + len(a.Subtypes) + a.FieldCount()
}
