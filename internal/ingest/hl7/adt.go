package hl7

import (
	"fmt"
	"strings"
	"time"
)

// ADT is the part of an ADT (admit, discharge, transfer) message that says
// who is cared for, where and by whom. Times with no offset in the message
// are Europe/London local time (see ParseTime).
type ADT struct {
	Event     string    `json:"event"`                 // trigger event, e.g. "A01", from MSH-9 (EVN-1 if absent)
	EventTime time.Time `json:"event_time,omitzero"`   // EVN-2, or MSH-7 when EVN-2 is empty
	Operator  Person    `json:"operator,omitzero"`     // EVN-5: who keyed the event
	Patient   Patient   `json:"patient"`               // PID
	NextOfKin []Contact `json:"next_of_kin,omitempty"` // NK1, in order
	Visit     *Visit    `json:"visit,omitempty"`       // PV1, if present
	Merges    []Merge   `json:"merges,omitempty"`      // MRG (A40 and other merges)
	Roles     []Role    `json:"roles,omitempty"`       // ROL: people with a role in the patient's care
	// Problems lists values that were present but unusable (a bad
	// timestamp, an NHS number failing its check digit), each naming its
	// field. They do not stop the rest of the message being read.
	Problems []string `json:"problems,omitempty"`
}

// Person is a member of staff or other person named by id and name (an XCN
// value: id, family name, given name).
type Person struct {
	ID     string `json:"id,omitempty"`
	Family string `json:"family,omitempty"`
	Given  string `json:"given,omitempty"`
}

// Name is a person's name (XPN).
type Name struct {
	Family string `json:"family,omitempty"`
	Given  string `json:"given,omitempty"`
	Middle string `json:"middle,omitempty"`
	Prefix string `json:"prefix,omitempty"`
}

// Address is a postal address (XAD).
type Address struct {
	Street   string `json:"street,omitempty"`
	Other    string `json:"other,omitempty"` // other designation: flat, building, district
	City     string `json:"city,omitempty"`
	State    string `json:"state,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Country  string `json:"country,omitempty"`
}

// Identifier is one patient identifier (CX): the id, its assigning
// authority and its identifier type code (MR, NH, PI, ...).
type Identifier struct {
	ID        string `json:"id"`
	Authority string `json:"authority,omitempty"`
	Type      string `json:"type,omitempty"`
}

// Patient is the patient a message is about (PID).
type Patient struct {
	// NHSNumber is the NHS number, set only when it passes the modulus 11
	// check; InvalidNHSNumber holds one that was given but fails it.
	NHSNumber        string       `json:"nhs_number,omitempty"`
	InvalidNHSNumber string       `json:"invalid_nhs_number,omitempty"`
	MRN              string       `json:"mrn,omitempty"`         // hospital medical record number
	Identifiers      []Identifier `json:"identifiers,omitempty"` // every PID-3 identifier other than the NHS number
	Name             Name         `json:"name,omitzero"`
	BirthDate        time.Time    `json:"birth_date,omitzero"`
	Sex              string       `json:"sex,omitempty"`
	Address          Address      `json:"address,omitzero"`
	DeathTime        time.Time    `json:"death_time,omitzero"`       // PID-29
	DeathIndicator   string       `json:"death_indicator,omitempty"` // PID-30: "Y" or "N"
}

// Contact is a next of kin or other associated party (NK1).
type Contact struct {
	Name         Name    `json:"name,omitzero"`
	Relationship string  `json:"relationship,omitempty"` // code, e.g. "SPO" or "MTH"
	RelationText string  `json:"relationship_text,omitempty"`
	Address      Address `json:"address,omitzero"`
}

// Visit is the patient's visit (PV1).
type Visit struct {
	Class         string    `json:"class,omitempty"` // PV1-2: I inpatient, O outpatient, E emergency...
	Ward          string    `json:"ward,omitempty"`  // PV1-3.1 point of care
	Room          string    `json:"room,omitempty"`
	Bed           string    `json:"bed,omitempty"`
	Facility      string    `json:"facility,omitempty"`
	Attending     []Person  `json:"attending,omitempty"`     // PV1-7
	Referring     []Person  `json:"referring,omitempty"`     // PV1-8
	Consulting    []Person  `json:"consulting,omitempty"`    // PV1-9
	Admitting     []Person  `json:"admitting,omitempty"`     // PV1-17
	Service       string    `json:"service,omitempty"`       // PV1-10 hospital service (specialty)
	Number        string    `json:"number,omitempty"`        // PV1-19 visit number
	AdmitTime     time.Time `json:"admit_time,omitzero"`     // PV1-44
	DischargeTime time.Time `json:"discharge_time,omitzero"` // PV1-45
}

// Merge is one MRG segment: the identifiers a patient had before a merge,
// and the surviving identifiers (from the PID before it).
type Merge struct {
	Survivor []Identifier `json:"survivor,omitempty"`
	Prior    []Identifier `json:"prior"` // MRG-1
}

// ParseADT reads the ADT model from m. It fails only when m is not an ADT
// message; unusable values are listed in ADT.Problems.
func ParseADT(m *Message) (*ADT, error) {
	code, trigger, _ := m.Type()
	if code != "ADT" {
		return nil, fmt.Errorf("hl7 message %s: type %q is not ADT", m.ControlID(), code)
	}
	a := &ADT{Event: trigger}
	evn := m.Segment("EVN", 1)
	if evn != nil {
		if a.Event == "" {
			a.Event = val(evn, 1, 1, 1, 1)
		}
		a.Operator = person(evn, 5, 1)
		a.EventTime = a.time(evn, 2)
	}
	if a.EventTime.IsZero() {
		a.EventTime = a.time(m.Segment("MSH", 1), 7)
	}
	if pid := m.Segment("PID", 1); pid != nil {
		a.Patient = a.patient(pid)
	} else {
		a.Problems = append(a.Problems, "no PID segment")
	}
	for _, nk := range m.Segments("NK1") {
		if c := contact(nk); c != (Contact{}) {
			a.NextOfKin = append(a.NextOfKin, c)
		}
	}
	if pv1 := m.Segment("PV1", 1); pv1 != nil {
		a.Visit = a.visit(pv1)
	}
	a.Merges = merges(m)
	a.Roles = a.roles(m)
	return a, nil
}

// time parses field n of s, recording a problem when it is present but
// malformed.
func (a *ADT) time(s *Segment, n int) time.Time {
	v := val(s, n, 1, 1, 1)
	if v == "" {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		a.Problems = append(a.Problems, fmt.Sprintf("%s-%d: %v", s.Name, n, err))
	}
	return t
}

func (a *ADT) patient(pid *Segment) Patient {
	p := Patient{
		Name:           name(pid, 5, 1),
		BirthDate:      a.time(pid, 7),
		Sex:            val(pid, 8, 1, 1, 1),
		Address:        address(pid, 11, 1),
		DeathTime:      a.time(pid, 29),
		DeathIndicator: val(pid, 30, 1, 1, 1),
	}
	for r := 1; r <= pid.Repetitions(3); r++ {
		id := identifier(pid, 3, r)
		if id.ID == "" {
			continue
		}
		if isNHSIdentifier(id) {
			a.takeNHSNumber(&p, id, r)
			continue
		}
		p.Identifiers = append(p.Identifiers, id)
	}
	p.MRN = pickMRN(p.Identifiers)
	return p
}

// takeNHSNumber validates an NHS-number identifier; the first valid one is
// kept and invalid ones are reported.
func (a *ADT) takeNHSNumber(p *Patient, id Identifier, rep int) {
	n, ok := ValidNHSNumber(id.ID)
	switch {
	case ok && p.NHSNumber == "":
		p.NHSNumber = n
	case !ok:
		p.InvalidNHSNumber = id.ID
		a.Problems = append(a.Problems, fmt.Sprintf("PID-3(%d): NHS number %q fails the modulus 11 check", rep, id.ID))
	}
}

// isNHSIdentifier picks out NHS numbers: type code NH, or assigning
// authority NHS or NHSNMBR (some trusts, UCLH's Epic among them, send
// NHS^HN).
func isNHSIdentifier(id Identifier) bool {
	return id.Type == "NH" || id.Authority == "NHS" || id.Authority == "NHSNMBR"
}

// pickMRN chooses the hospital record number: the first identifier typed
// as a medical record number, else the first identifier.
func pickMRN(ids []Identifier) string {
	for _, id := range ids {
		switch id.Type {
		case "MR", "MRN", "MEDREC":
			return id.ID
		}
	}
	if len(ids) > 0 {
		return ids[0].ID
	}
	return ""
}

func (a *ADT) visit(pv1 *Segment) *Visit {
	return &Visit{
		Class:         val(pv1, 2, 1, 1, 1),
		Ward:          val(pv1, 3, 1, 1, 1),
		Room:          val(pv1, 3, 1, 2, 1),
		Bed:           val(pv1, 3, 1, 3, 1),
		Facility:      val(pv1, 3, 1, 4, 1),
		Attending:     people(pv1, 7),
		Referring:     people(pv1, 8),
		Consulting:    people(pv1, 9),
		Admitting:     people(pv1, 17),
		Service:       val(pv1, 10, 1, 1, 1),
		Number:        val(pv1, 19, 1, 1, 1),
		AdmitTime:     a.time(pv1, 44),
		DischargeTime: a.time(pv1, 45),
	}
}

func merges(m *Message) []Merge {
	var out []Merge
	var survivor []Identifier
	for _, s := range m.All() {
		switch s.Name {
		case "PID":
			survivor = identifiers(s, 3)
		case "MRG":
			out = append(out, Merge{Survivor: survivor, Prior: identifiers(s, 1)})
		}
	}
	return out
}

func identifiers(s *Segment, n int) []Identifier {
	var out []Identifier
	for r := 1; r <= s.Repetitions(n); r++ {
		if id := identifier(s, n, r); id.ID != "" {
			out = append(out, id)
		}
	}
	return out
}

func identifier(s *Segment, n, rep int) Identifier {
	return Identifier{ID: val(s, n, rep, 1, 1), Authority: val(s, n, rep, 4, 1), Type: val(s, n, rep, 5, 1)}
}

func contact(nk *Segment) Contact {
	return Contact{
		Name:         name(nk, 2, 1),
		Relationship: val(nk, 3, 1, 1, 1),
		RelationText: val(nk, 3, 1, 2, 1),
		Address:      address(nk, 4, 1),
	}
}

// person reads an XCN value: id, family name (its first subcomponent, the
// surname), given name.
func person(s *Segment, n, rep int) Person {
	return Person{ID: val(s, n, rep, 1, 1), Family: val(s, n, rep, 2, 1), Given: val(s, n, rep, 3, 1)}
}

func people(s *Segment, n int) []Person {
	var out []Person
	for r := 1; r <= s.Repetitions(n); r++ {
		if p := person(s, n, r); p != (Person{}) {
			out = append(out, p)
		}
	}
	return out
}

func name(s *Segment, n, rep int) Name {
	return Name{Family: val(s, n, rep, 1, 1), Given: val(s, n, rep, 2, 1), Middle: val(s, n, rep, 3, 1), Prefix: val(s, n, rep, 5, 1)}
}

// address reads an XAD value; the street joins the parts of its first
// component (street name and dwelling number are subcomponents in v2.5+).
func address(s *Segment, n, rep int) Address {
	street := ""
	for i := 1; ; i++ {
		part := val(s, n, rep, 1, i)
		if part == "" && val(s, n, rep, 1, i+1) == "" {
			break
		}
		if part != "" {
			street = joinSpace(street, part)
		}
	}
	return Address{
		Street:   street,
		Other:    val(s, n, rep, 2, 1),
		City:     val(s, n, rep, 3, 1),
		State:    val(s, n, rep, 4, 1),
		Postcode: val(s, n, rep, 5, 1),
		Country:  val(s, n, rep, 6, 1),
	}
}

func joinSpace(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// val reads a value for the model, trimming spaces and reading HL7's explicit null ("", which
// tells a receiver to delete what it holds) as empty.
func val(s *Segment, n, rep, comp, sub int) string {
	v := strings.TrimSpace(s.Value(n, rep, comp, sub))
	if v == `""` {
		return ""
	}
	return v
}
