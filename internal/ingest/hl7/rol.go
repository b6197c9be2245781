package hl7

import "time"

// Role is one ROL segment: a person with a role in the patient's care
// (attending, consulting, primary care provider...), which EPRs send after
// PV1 for clinicians added to a visit, and after PID for the patient's own
// care providers.
type Role struct {
	Action string    `json:"action,omitempty"` // ROL-2: AD add, DE delete, UP update, UC unchanged
	Code   string    `json:"code,omitempty"`   // ROL-3.1, e.g. "AT", "CP", "PP"
	Text   string    `json:"text,omitempty"`   // ROL-3.2
	Person Person    `json:"person,omitzero"`  // ROL-4
	Start  time.Time `json:"start,omitzero"`   // ROL-5
	End    time.Time `json:"end,omitzero"`     // ROL-6
}

// roles reads every ROL segment of m; bad times are recorded as problems.
func (a *ADT) roles(m *Message) []Role {
	var out []Role
	for _, s := range m.Segments("ROL") {
		r := Role{
			Action: val(s, 2, 1, 1, 1),
			Code:   val(s, 3, 1, 1, 1),
			Text:   val(s, 3, 1, 2, 1),
			Person: person(s, 4, 1),
			Start:  a.time(s, 5),
			End:    a.time(s, 6),
		}
		if r.Person != (Person{}) {
			out = append(out, r)
		}
	}
	return out
}
