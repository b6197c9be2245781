package hl7

import (
	"fmt"
	"strconv"
	"time"
)

// Appointment is the part of a scheduling message (SIU^S12 new booking,
// S13 reschedule, S14 modification, S15 cancellation, S26 no-show) that says
// which patient is to be seen, when and by whom. Times with no offset are
// Europe/London local time.
type Appointment struct {
	Event    string    `json:"event"`              // trigger event, e.g. "S12"
	ID       string    `json:"id,omitempty"`       // SCH-2 filler appointment id, else SCH-1 placer id
	Reason   string    `json:"reason,omitempty"`   // SCH-7 text, else SCH-6
	Start    time.Time `json:"start,omitzero"`     // SCH-11.4, else the first AIS-4, AIP-6 or AIL-6
	End      time.Time `json:"end,omitzero"`       // SCH-11.5, else start plus the duration
	Duration string    `json:"duration,omitempty"` // SCH-9 with SCH-10 units, e.g. "60 m"
	Status   string    `json:"status,omitempty"`   // SCH-25, e.g. "Booked" or "Cancelled"
	Patient  Patient   `json:"patient"`            // PID
	Visit    *Visit    `json:"visit,omitempty"`    // PV1, if present
	// Clinicians are the people booked (AIP-3) and those the schedule
	// names as contacts (SCH-12 placer, SCH-16 filler contact).
	Clinicians []Person `json:"clinicians,omitempty"`
	Location   string   `json:"location,omitempty"` // AIL-3.1, else PV1-3.1
	// EnteredBy is who booked it (SCH-20), at Booked (MSH-7).
	EnteredBy Person    `json:"entered_by,omitzero"`
	Booked    time.Time `json:"booked,omitzero"`
	Problems  []string  `json:"problems,omitempty"`
}

// ParseSIU reads the appointment from m. It fails only when m is not an SIU
// message; unusable values are listed in Appointment.Problems.
func ParseSIU(m *Message) (*Appointment, error) {
	code, trigger, _ := m.Type()
	if code != "SIU" {
		return nil, fmt.Errorf("hl7 message %s: type %q is not SIU", m.ControlID(), code)
	}
	// The ADT helpers record problems and read PID and PV1 the same way.
	a := &ADT{}
	ap := &Appointment{Event: trigger, Booked: a.time(m.Segment("MSH", 1), 7)}
	if sch := m.Segment("SCH", 1); sch != nil {
		ap.readSCH(a, sch)
	} else {
		a.Problems = append(a.Problems, "no SCH segment")
	}
	if pid := m.Segment("PID", 1); pid != nil {
		ap.Patient = a.patient(pid)
	} else {
		a.Problems = append(a.Problems, "no PID segment")
	}
	if pv1 := m.Segment("PV1", 1); pv1 != nil {
		ap.Visit = a.visit(pv1)
		ap.Location = ap.Visit.Ward
	}
	ap.readResources(a, m)
	if ap.End.IsZero() && !ap.Start.IsZero() {
		ap.End = ap.Start.Add(ap.duration())
	}
	ap.Problems = a.Problems
	return ap, nil
}

func (ap *Appointment) readSCH(a *ADT, sch *Segment) {
	ap.ID = val(sch, 2, 1, 1, 1)
	if ap.ID == "" {
		ap.ID = val(sch, 1, 1, 1, 1)
	}
	ap.Reason = val(sch, 7, 1, 2, 1)
	if ap.Reason == "" {
		ap.Reason = val(sch, 7, 1, 1, 1)
	}
	if ap.Reason == "" {
		ap.Reason = val(sch, 6, 1, 2, 1)
	}
	if d := val(sch, 9, 1, 1, 1); d != "" {
		ap.Duration = joinSpace(d, val(sch, 10, 1, 1, 1))
	}
	ap.Start = a.componentTime(sch, 11, 4)
	ap.End = a.componentTime(sch, 11, 5)
	ap.Status = val(sch, 25, 1, 1, 1)
	ap.EnteredBy = person(sch, 20, 1)
	for _, n := range []int{12, 16} {
		ap.Clinicians = appendPeople(ap.Clinicians, people(sch, n))
	}
}

// readResources reads the AIS, AIG, AIL and AIP resource segments: the
// booked clinicians, the location, and a start time where SCH gave none.
func (ap *Appointment) readResources(a *ADT, m *Message) {
	for _, s := range m.Segments("AIP") {
		ap.Clinicians = appendPeople(ap.Clinicians, people(s, 3))
		ap.takeStart(a, s, 6)
	}
	for _, s := range m.Segments("AIL") {
		if loc := val(s, 3, 1, 1, 1); loc != "" {
			ap.Location = loc
		}
		ap.takeStart(a, s, 6)
	}
	for _, s := range m.Segments("AIS") {
		ap.takeStart(a, s, 4)
	}
}

func (ap *Appointment) takeStart(a *ADT, s *Segment, n int) {
	if ap.Start.IsZero() {
		ap.Start = a.time(s, n)
	}
}

// componentTime parses component comp of field n as a timestamp.
func (a *ADT) componentTime(s *Segment, n, comp int) time.Time {
	v := val(s, n, 1, comp, 1)
	if v == "" {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		a.Problems = append(a.Problems, fmt.Sprintf("%s-%d.%d: %v", s.Name, n, comp, err))
	}
	return t
}

// duration reads SCH-9 and SCH-10 (units: s, m or min, h, d; minutes when
// absent), defaulting to 30 minutes when the message gives none.
func (ap *Appointment) duration() time.Duration {
	num, unit := ap.Duration, ""
	for i := 0; i < len(ap.Duration); i++ {
		if ap.Duration[i] == ' ' {
			num, unit = ap.Duration[:i], ap.Duration[i+1:]
			break
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 30 * time.Minute
	}
	switch unit {
	case "s", "S":
		return time.Duration(n) * time.Second
	case "h", "H", "hr", "hour", "hours":
		return time.Duration(n) * time.Hour
	case "d", "D", "day", "days":
		return time.Duration(n) * 24 * time.Hour
	}
	return time.Duration(n) * time.Minute
}

// appendPeople appends those of add not already in list (by id, or name
// when there is no id).
func appendPeople(list, add []Person) []Person {
	for _, p := range add {
		dup := false
		for _, q := range list {
			if q == p || (p.ID != "" && q.ID == p.ID) {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, p)
		}
	}
	return list
}
