package care

import (
	"strconv"
	"strings"
	"time"
)

// message is one HL7 v2 message to write: an ADT event of a visit or a
// patient, or an appointment booking (SIU^S12). It is rendered from the
// visit as it stood at At.
type message struct {
	At        time.Time
	Event     string // A01, A02, A03, A04, A08, A11, A13, A40 or S12
	Visit     int32  // -1 for a patient-level message (a death notified by A08)
	Patient   int32  // for patient-level messages
	Operator  int32  // EVN-5 (SCH-20 for bookings), or -1
	Discharge time.Time
	File      string // the file it goes in; adt/DATE.hl7 by default
	ctrl      int
}

// emit files a message under its day.
func (w *World) emit(m message) {
	if m.File == "" {
		m.File = "adt/" + m.At.In(london).Format("2006-01-02") + ".hl7"
	}
	m.ctrl = w.nextCtrl
	w.nextCtrl++
	if m.Visit >= 0 && m.Operator >= 0 {
		w.Visits[m.Visit].Operators = append(w.Visits[m.Visit].Operators, m.Operator)
	}
	w.adt[m.File] = append(w.adt[m.File], m)
}

const (
	sendingApp  = "PAS"
	facility    = "VIGIL GENERAL"
	receiverApp = "VIGIL"
)

// hl7Time formats a timestamp as HL7 local time with no offset, as UK
// feeds send it (the reader takes it as Europe/London).
func hl7Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(london).Format("20060102150405")
}

// segment joins fields 1..n after the segment name.
func segment(name string, fields ...string) string {
	return name + "|" + strings.Join(fields, "|")
}

// render writes message m as HL7 v2.4 segments, each ended by a carriage
// return, with a newline after the last.
func (w *World) render(m *message, b *strings.Builder) {
	var v *Visit
	p := m.Patient
	if m.Visit >= 0 {
		v = &w.Visits[m.Visit]
		p = v.Patient
	}
	typ := "ADT^" + m.Event + "^ADT_" + m.Event
	switch m.Event {
	case "S12":
		typ = "SIU^S12^SIU_S12"
	case "A40":
		typ = "ADT^A40^ADT_A39"
	case "A04", "A08", "A13":
		typ = "ADT^" + m.Event + "^ADT_A01"
	case "A11":
		typ = "ADT^A11^ADT_A09"
	}
	ts := hl7Time(m.At)
	segs := []string{segment("MSH", `^~\&`, sendingApp, facility, receiverApp, facility, ts, "", typ, "VG"+strconv.Itoa(10000000+m.ctrl), "P", "2.4", "", "", "AL", "NE")}
	if m.Event == "S12" {
		segs = append(segs, w.sch(m, v))
	} else {
		segs = append(segs, segment("EVN", m.Event, ts, "", "", w.xcn(m.Operator), ts))
	}
	nhs := w.Patients[p].NHS
	if v != nil && m.Event != "A40" {
		nhs = v.NHS
	}
	segs = append(segs, w.pid(p, nhs, m.At))
	if k := w.Patients[p].Kin; k.Rel != "" && m.Event != "S12" && m.Event != "A40" {
		segs = append(segs, segment("NK1", "1", k.Family+"^"+k.Given, k.Rel+"^"+k.RelText, w.xad(k.Address)))
	}
	switch {
	case m.Event == "A40":
		segs = append(segs, segment("MRG", v.NHS+"^^^NHS^NH"))
	case v == nil:
		segs = append(segs, segment("PV1", "1", "N")) // a patient-level update: no visit
	default:
		segs = append(segs, w.pv1(m, v))
	}
	if m.Event == "S12" {
		segs = append(segs, w.siuResources(v)...)
	}
	for _, s := range segs {
		b.WriteString(s)
		b.WriteByte('\r')
	}
	b.WriteByte('\n')
}

// pid is the patient identification: NHS number (type NH, authority NHS)
// and hospital number, name, birth date, sex, address, and date of death
// once the trust knows of it.
func (w *World) pid(p int32, nhs string, at time.Time) string {
	pt := &w.Patients[p]
	f := make([]string, 30)
	f[0] = "1"
	f[2] = nhs + "^^^NHS^NH~" + pt.MRN + "^^^RVG^MR"
	f[4] = pt.Family + "^" + pt.Given + "^^^" + pt.Title
	f[6] = pt.Born.Format("20060102")
	f[7] = string(pt.Sex)
	f[10] = w.xad(pt.Address)
	if !pt.deathKnown.IsZero() && !at.Before(pt.deathKnown) {
		f[28] = hl7Time(pt.Died)[:12]
		f[29] = "Y"
	}
	return segment("PID", f...)
}

// xad is an address: street, other, town, county, postcode, country, type.
func (w *World) xad(a int32) string {
	if a < 0 {
		return ""
	}
	ad := w.Addresses[a]
	return w.addressLine(a) + "^^" + w.Streets[ad.Street].Town + "^^" + ad.Postcode + "^GBR^H"
}

// xcn is a member of staff: user id, family name, given name, and "Dr" as
// prefix for doctors.
func (w *World) xcn(i int32) string {
	if i < 0 {
		return ""
	}
	s := &w.Staff[i]
	x := s.ID + "^" + s.Family + "^" + s.Given
	if s.Role.doctor() {
		x += "^^^Dr"
	}
	return x
}

// pv1 is the visit as it stood at the message's time.
func (w *World) pv1(m *message, v *Visit) string {
	f := make([]string, 45)
	f[0] = "1"
	f[1] = string(v.Class)
	ward := v.wardAt(m.At)
	f[2] = w.Depts[ward].Name + "^^^" + facility
	f[6] = w.xcn(v.Attending)
	switch {
	case v.Referrer >= 0:
		f[7] = w.xcn(v.Referrer)
	case v.GP >= 0:
		f[7] = "G" + strconv.Itoa(8100000+v.GP*137) + "^" + gpNames[v.GP][0] + "^" + gpNames[v.GP][1] + "^^^Dr"
	}
	var cons []string
	for _, c := range v.Consults {
		if !c.From.After(m.At) {
			cons = append(cons, w.xcn(c.Staff))
		}
	}
	f[8] = strings.Join(cons, "~")
	f[9] = v.Specialty
	f[16] = w.xcn(v.Admitting)
	f[18] = v.Number
	if v.Died && m.Event == "A03" {
		f[35] = "4" // discharge disposition: died
	}
	f[43] = hl7Time(v.Start)
	f[44] = hl7Time(m.Discharge)
	return segment("PV1", f...)
}

// sch is the schedule activity of a booking: ids, reason, type, timing,
// who entered it, status.
func (w *World) sch(m *message, v *Visit) string {
	f := make([]string, 25)
	f[0] = v.Number + "^PAS"
	f[1] = v.Number + "^PAS"
	f[6] = "^" + v.Specialty + " clinic"
	f[7] = "ROUTINE^Routine"
	mins := strconv.Itoa(int(v.End.Sub(v.Start).Minutes()))
	f[8], f[9] = mins, "min"
	f[10] = "^^" + mins + "^" + hl7Time(v.Start) + "^" + hl7Time(v.End)
	f[19] = w.xcn(m.Operator)
	f[24] = "Booked"
	return segment("SCH", f...)
}

// siuResources are the resource group of a booking: the clinician (AIP)
// and the clinic (AIL).
func (w *World) siuResources(v *Visit) []string {
	start := hl7Time(v.Start)
	mins := strconv.Itoa(int(v.End.Sub(v.Start).Minutes()))
	return []string{
		segment("RGS", "1", "A"),
		segment("AIL", "1", "A", w.Depts[v.Stays[0].Ward].Name+"^^^"+facility, "", "", start, "", "", mins, "min", "", "Booked"),
		segment("AIP", "1", "A", w.xcn(v.Attending), "D^Doctor", "", start, "", "", mins, "min", "", "Booked"),
	}
}
