package privacy

import (
	"errors"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/access"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// episode is a visit (from ADT) or an appointment (from SIU): when the
// patient was in the organisation's care, where, and who was named.
type episode struct {
	pat        uint32
	label      string // visit number or appointment id
	class      string // PV1-2 patient class, or "appointment"
	appt       bool
	start, end int64 // unix seconds; end 0 while open
	cancelled  bool
	stays      []stay
	clin       []uint32 // attending, consulting, admitting, ROL, booked
	ref        []uint32 // referring
}

// stay is where the patient was from a moment on: ward and specialty.
type stay struct {
	from    int64
	ward    string
	service string
	depts   []int32 // departments whose staff work there, filled by Run
}

// link is an explicit relationship between a user and a patient over a
// period: a clerk keying an event, a registered carer (ROL), or one built
// from an episode by Run.
type link struct {
	user, pat uint32
	from, to  int64
	why       reason
	ep        int32 // episode, or -1
}

var errNoPatient = errors.New("no NHS number or other patient identifier in PID-3")

// patientKey picks the key a PID is known by: its NHS number, else the
// NHS number its hospital number was last seen with, else the hospital
// number itself.
func (a *Auditor) patientKey(p *hl7.Patient) (string, error) {
	if p.NHSNumber != "" {
		if p.MRN != "" && a.mrn[p.MRN] != p.NHSNumber {
			a.mrn[a.owned(p.MRN)] = a.owned(p.NHSNumber)
		}
		return p.NHSNumber, nil
	}
	if p.MRN != "" {
		if n, ok := a.mrn[p.MRN]; ok {
			return n, nil
		}
		return p.MRN, nil
	}
	return "", errNoPatient
}

// AddADT adds what an ADT message says about a patient's care. It fails
// only when the message names no patient.
func (a *Auditor) AddADT(m *hl7.ADT) error {
	key, err := a.patientKey(&m.Patient)
	if err != nil {
		return err
	}
	a.counts.adt++
	p := a.patient(key)
	key = a.pats.names[p] // the Auditor's copy
	a.setDemographics(p, &m.Patient, m.NextOfKin)
	t := m.EventTime.Unix()
	if op := m.Operator.ID; op != "" && !m.EventTime.IsZero() {
		w := int64(a.opts.ClerkWindow / time.Second)
		a.links = append(a.links, link{user: a.user(op), pat: p, from: t - w, to: t + w, why: reasonClerk, ep: -1})
	}
	for _, mg := range m.Merges {
		for _, id := range mg.Prior {
			if id.ID != "" && id.ID != key && a.aliases[id.ID] != key {
				a.aliases[a.owned(id.ID)] = key
			}
		}
	}
	var ep *episode
	if hasVisit(m.Visit) {
		ep = a.visitEpisode(p, key, m)
	}
	a.addRoles(p, ep, m.Roles)
	return nil
}

// hasVisit tells a visit from a PV1 that only fills the slot ("PV1|1|N",
// class not applicable, sent with patient-level updates).
func hasVisit(v *hl7.Visit) bool {
	if v == nil {
		return false
	}
	return v.Class != "N" || v.Ward != "" || v.Number != "" || len(v.Attending)+len(v.Consulting)+len(v.Admitting) > 0
}

// visitEpisode finds or starts the episode of m's visit and applies the
// trigger event to it.
func (a *Auditor) visitEpisode(p uint32, key string, m *hl7.ADT) *episode {
	v := m.Visit
	ep := a.findEpisode(p, key, v.Number)
	t := m.EventTime.Unix()
	if ep.start == 0 {
		ep.start = firstUnix(v.AdmitTime, m.EventTime)
	}
	if ep.class == "" {
		ep.class = a.common(v.Class)
	}
	switch m.Event {
	case "A03":
		ep.end = firstUnix(v.DischargeTime, m.EventTime)
	case "A11":
		ep.cancelled, ep.end = true, t
	case "A13":
		ep.end = 0
	default:
		if !v.DischargeTime.IsZero() {
			ep.end = v.DischargeTime.Unix()
		}
	}
	if v.Ward != "" && (len(ep.stays) == 0 || !sameStay(ep.stays[len(ep.stays)-1], v.Ward, v.Service)) {
		from := t
		if len(ep.stays) == 0 {
			from = ep.start
		}
		ep.stays = append(ep.stays, stay{from: from, ward: a.common(v.Ward), service: a.common(v.Service)})
	}
	for _, list := range [][]hl7.Person{v.Attending, v.Consulting, v.Admitting} {
		ep.clin = a.addPeople(ep.clin, list)
	}
	ep.ref = a.addPeople(ep.ref, v.Referring)
	return ep
}

func sameStay(s stay, ward, service string) bool {
	return s.ward == ward && (service == "" || s.service == service)
}

// findEpisode returns the episode with this visit number, or the
// patient's latest open visit when the number is missing, or a new one.
func (a *Auditor) findEpisode(p uint32, key, number string) *episode {
	if number != "" {
		if i, ok := a.visits[key+"#"+number]; ok {
			return &a.episodes[i]
		}
	} else {
		for i := len(a.episodes) - 1; i >= 0; i-- {
			if e := &a.episodes[i]; e.pat == p && !e.appt && e.end == 0 {
				return e
			}
		}
	}
	a.episodes = append(a.episodes, episode{pat: p, label: a.owned(number)})
	if number != "" {
		a.visits[key+"#"+number] = int32(len(a.episodes) - 1)
	}
	return &a.episodes[len(a.episodes)-1]
}

// addRoles adds ROL people: a primary care provider, or any role in a
// message without a visit, is the patient's registered carer over the
// role's dates; other roles join the visit's clinicians.
func (a *Auditor) addRoles(p uint32, ep *episode, roles []hl7.Role) {
	for _, r := range roles {
		if r.Person.ID == "" || r.Action == "DE" {
			continue
		}
		if ep != nil && r.Code != "PP" && !strings.EqualFold(r.Text, "Primary Care Provider") {
			ep.clin = a.addPeople(ep.clin, []hl7.Person{r.Person})
			continue
		}
		l := link{user: a.user(r.Person.ID), pat: p, from: minTime, to: maxTime, why: reasonRegistered, ep: -1}
		if !r.Start.IsZero() {
			l.from = r.Start.Unix()
		}
		if !r.End.IsZero() {
			l.to = r.End.Unix()
		}
		if a.carers != nil {
			if a.carers[l] {
				continue // the same link explains the same accesses
			}
			a.carers[l] = true
		}
		a.links = append(a.links, l)
	}
}

// AddAppointment adds a booked appointment (SIU) as an episode whose
// clinicians are those booked. It fails only when no patient is named.
func (a *Auditor) AddAppointment(ap *hl7.Appointment) error {
	key, err := a.patientKey(&ap.Patient)
	if err != nil {
		return err
	}
	if ap.Start.IsZero() {
		return errors.New("appointment has no start time (SCH-11.4, AIS-4, AIP-6 or AIL-6)")
	}
	a.counts.appts++
	p := a.patient(key)
	a.setDemographics(p, &ap.Patient, nil)
	ep := episode{pat: p, label: a.owned(ap.ID), class: "appointment", appt: true, start: ap.Start.Unix(), end: ap.End.Unix()}
	if ep.end < ep.start {
		ep.end = ep.start
	}
	ep.cancelled = ap.Event == "S15" || strings.EqualFold(ap.Status, "Cancelled")
	service := ""
	if ap.Visit != nil {
		service = ap.Visit.Service
		ep.ref = a.addPeople(ep.ref, ap.Visit.Referring)
	}
	if ap.Location != "" || service != "" {
		ep.stays = []stay{{from: ep.start, ward: a.common(ap.Location), service: a.common(service)}}
	}
	ep.clin = a.addPeople(nil, ap.Clinicians)
	a.episodes = append(a.episodes, ep)
	if op := ap.EnteredBy.ID; op != "" && !ap.Booked.IsZero() {
		t, w := ap.Booked.Unix(), secs(a.opts.ClerkWindow)
		a.links = append(a.links, link{user: a.user(op), pat: p, from: t - w, to: t + w, why: reasonClerk, ep: -1})
	}
	return nil
}

// addPeople appends the users named by people (by their id) to list, once.
func (a *Auditor) addPeople(list []uint32, people []hl7.Person) []uint32 {
	for _, pr := range people {
		if pr.ID == "" {
			continue
		}
		u := a.user(pr.ID)
		if !containsU32(list, u) {
			list = append(list, u)
		}
	}
	return list
}

func containsU32(list []uint32, v uint32) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// firstUnix returns the first non-zero time as unix seconds.
func firstUnix(ts ...time.Time) int64 {
	for _, t := range ts {
		if !t.IsZero() {
			return t.Unix()
		}
	}
	return 0
}

const (
	minTime = int64(-1 << 62)
	maxTime = int64(1 << 62)
)

// canonicalPatient resolves an access's patient identifier to the key the
// care records use: a merged-away identifier to its survivor, a hospital
// number to its NHS number.
func (a *Auditor) canonicalKey(k string) string {
	for i := 0; i < 8; i++ { // merges can chain; bound the walk
		next, ok := a.aliases[k]
		if !ok {
			break
		}
		k = next
	}
	if n, ok := a.mrn[k]; ok && !access.ValidNHSNumber(k) {
		return n
	}
	return k
}
