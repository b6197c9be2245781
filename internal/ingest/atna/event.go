package atna

import (
	"github.com/vigilhealth/vigil/internal/event"
)

// Field names specific to ATNA messages.
var (
	fieldEventID     = event.Intern("atna.event_id")
	fieldEventName   = event.Intern("atna.event_name")
	fieldAction      = event.Intern("atna.action")
	fieldOutcome     = event.Intern("atna.outcome")
	fieldEventType   = event.Intern("atna.event_type")
	fieldEventTypeNm = event.Intern("atna.event_type_name")
	fieldSourceType  = event.Intern("atna.source_type")
	fieldStudyUID    = event.Intern("study.uid")
	fieldAccession   = event.Intern("study.accession")
	fieldSOPClass    = event.Intern("study.sop_class")
	fieldObjectType  = event.Intern("atna.object_id_type")
)

// LogSource is the Sigma log source of ATNA messages.
var LogSource = event.LogSource{Product: "dicom", Service: "atna"}

// ToEvent fills ev, which the caller has reset, from m: the log source
// (product dicom, service atna), ev.Time (EventDateTime), ev.Host
// (AuditSourceID), and the fields atna.event_id and atna.event_name (the
// EventID code and text), atna.action, atna.outcome, atna.event_type and
// atna.event_type_name (per EventTypeCode), atna.source_type,
// atna.object_id_type (per object), study.uid, study.accession,
// study.sop_class, and the shared fields of the access record (user.id,
// user.name, user.role, user.is_requestor, network.address, patient.id,
// patient.nhs_number, entity.reference, purpose_of_use, breakglass, query,
// ...). Source and Record are left to the caller.
func (m *Message) ToEvent(ev *event.Event) {
	ev.LogSource = LogSource
	ev.Time = m.Event.DateTime
	ev.Host = m.Source.ID
	ev.Add(fieldEventID, m.Event.ID.Code)
	addNonEmpty(ev, fieldEventName, m.Event.ID.Display)
	addNonEmpty(ev, fieldAction, m.Event.Action)
	addNonEmpty(ev, fieldOutcome, m.Event.Outcome)
	for _, t := range m.Event.Types {
		addNonEmpty(ev, fieldEventType, t.Code)
		addNonEmpty(ev, fieldEventTypeNm, t.Display)
	}
	for _, t := range m.Source.Types {
		addNonEmpty(ev, fieldSourceType, t.Code)
	}
	for i := range m.Objects {
		o := &m.Objects[i]
		addNonEmpty(ev, fieldObjectType, o.IDType.Code)
		for _, s := range o.StudyUIDs {
			ev.Add(fieldStudyUID, s)
		}
		if o.IDType.Code == "110180" && len(o.StudyUIDs) == 0 { // the object is itself a study
			ev.Add(fieldStudyUID, o.ID)
		}
		for _, a := range o.Accessions {
			ev.Add(fieldAccession, a)
		}
		for _, s := range o.SOPClasses {
			ev.Add(fieldSOPClass, s.UID)
		}
	}
	m.Access().AddFields(ev)
}

func addNonEmpty(ev *event.Event, id event.FieldID, v string) {
	if v != "" {
		ev.Add(id, v)
	}
}
