package hl7

import (
	"strings"

	"github.com/vigilhealth/vigil/internal/event"
)

// Field names that ToEvent writes, interned once.
var (
	fType        = event.Intern("hl7.type")
	fEvent       = event.Intern("hl7.event")
	fControlID   = event.Intern("hl7.control_id")
	fSendApp     = event.Intern("hl7.sending_application")
	fSendFac     = event.Intern("hl7.sending_facility")
	fRecvApp     = event.Intern("hl7.receiving_application")
	fRecvFac     = event.Intern("hl7.receiving_facility")
	fVersion     = event.Intern("hl7.version")
	fProcessing  = event.Intern("hl7.processing_id")
	fNHSNumber   = event.Intern("patient.nhs_number")
	fNHSInvalid  = event.Intern("patient.invalid_nhs_number")
	fMRN         = event.Intern("patient.mrn")
	fPatientID   = event.Intern("patient.identifier")
	fPatientName = event.Intern("patient.name")
	fPostcode    = event.Intern("patient.postcode")
	fBirthDate   = event.Intern("patient.birth_date")
	fSex         = event.Intern("patient.sex")
	fDeceased    = event.Intern("patient.death_indicator")
	fClass       = event.Intern("visit.class")
	fWard        = event.Intern("visit.ward")
	fAttending   = event.Intern("visit.attending")
	fAttendName  = event.Intern("visit.attending_name")
	fService     = event.Intern("visit.service")
	fVisitNumber = event.Intern("visit.number")
	fOperator    = event.Intern("event.operator")
	fOperName    = event.Intern("event.operator_name")
	fMergePrior  = event.Intern("merge.prior_identifier")
	fProblem     = event.Intern("hl7.problem")
	fMessage     = event.Intern("hl7.message")
)

// FieldMessage is the field holding the whole message, as received, on the
// events of messages that record care (ADT and SIU): whoever needs more than
// the summary fields (the patient-data guardian reads every clinician, next
// of kin, address and appointment) parses it again with Parse, so that live
// and file analyses read the same facts through one mapping.
var FieldMessage = fMessage

// ToEvent maps m onto ev, adding to what ev holds (callers Reset a reused
// event first; ev.Source is left to the caller, who knows the listener or
// file). The log source is product "hl7" with the lower-case message code
// as service; ev.Time is MSH-7 in UTC; ev.Host is the sending facility
// (MSH-4), or the sending application (MSH-3) when there is none. ADT
// messages also get patient, visit and operator fields; ADT and SIU messages
// keep the whole message in FieldMessage. The values are
// strings that stay valid as long as they are referenced.
func ToEvent(m *Message, ev *event.Event) {
	code, trigger, _ := m.Type()
	msh := &m.segments[0]
	ev.LogSource = event.LogSource{Product: "hl7", Service: strings.ToLower(code)}
	if t, err := ParseTime(msh.Value(7, 1, 1, 1)); err == nil {
		ev.Time = t.UTC()
	}
	ev.Host = msh.Value(4, 1, 1, 1)
	if ev.Host == "" {
		ev.Host = msh.Value(3, 1, 1, 1)
	}
	typ := code
	if trigger != "" {
		typ += "^" + trigger
	}
	ev.Add(fType, typ)
	addIf(ev, fEvent, trigger)
	ev.Add(fControlID, m.ControlID())
	addIf(ev, fSendApp, msh.Value(3, 1, 1, 1))
	addIf(ev, fSendFac, msh.Value(4, 1, 1, 1))
	addIf(ev, fRecvApp, msh.Value(5, 1, 1, 1))
	addIf(ev, fRecvFac, msh.Value(6, 1, 1, 1))
	addIf(ev, fVersion, m.Version())
	addIf(ev, fProcessing, msh.Value(11, 1, 1, 1))
	if code == "ADT" {
		if a, err := ParseADT(m); err == nil {
			addADT(ev, a)
		}
	}
	if code == "ADT" || code == "SIU" {
		ev.Add(fMessage, m.Raw())
	}
}

func addADT(ev *event.Event, a *ADT) {
	p := &a.Patient
	addIf(ev, fNHSNumber, p.NHSNumber)
	addIf(ev, fNHSInvalid, p.InvalidNHSNumber)
	addIf(ev, fMRN, p.MRN)
	for _, id := range p.Identifiers {
		ev.Add(fPatientID, id.ID)
	}
	addIf(ev, fPatientName, displayName(p.Name.Family, p.Name.Given))
	addIf(ev, fPostcode, p.Address.Postcode)
	if !p.BirthDate.IsZero() {
		ev.Add(fBirthDate, p.BirthDate.Format("2006-01-02"))
	}
	addIf(ev, fSex, p.Sex)
	addIf(ev, fDeceased, p.DeathIndicator)
	if v := a.Visit; v != nil {
		addIf(ev, fClass, v.Class)
		addIf(ev, fWard, v.Ward)
		for _, d := range v.Attending {
			addIf(ev, fAttending, d.ID)
			addIf(ev, fAttendName, displayName(d.Family, d.Given))
		}
		addIf(ev, fService, v.Service)
		addIf(ev, fVisitNumber, v.Number)
	}
	addIf(ev, fOperator, a.Operator.ID)
	addIf(ev, fOperName, displayName(a.Operator.Family, a.Operator.Given))
	for _, mg := range a.Merges {
		for _, id := range mg.Prior {
			ev.Add(fMergePrior, id.ID)
		}
	}
	for _, pr := range a.Problems {
		ev.Add(fProblem, pr)
	}
}

// displayName writes a name as "FAMILY, Given", the way UK clinical
// systems list patients and staff.
func displayName(family, given string) string {
	switch {
	case family == "":
		return given
	case given == "":
		return family
	}
	return family + ", " + given
}

func addIf(ev *event.Event, id event.FieldID, v string) {
	if v != "" {
		ev.Add(id, v)
	}
}
