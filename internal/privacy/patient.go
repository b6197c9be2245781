package privacy

import (
	"strings"
	"time"
	"unicode"

	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// patientRec is a patient's identity and demographics, the latest an ADT
// message gave.
type patientRec struct {
	Key       string // NHS number, else another identifier
	Given     string
	Family    string
	BirthDate time.Time
	Address   string // street line as given
	Postcode  string
	Death     time.Time
	Kin       []kin
	fam       string
	given     string
	post      string
	street    string
	name      string
}

// kin is a next of kin (NK1) as the detectors compare it.
type kin struct {
	fam, given, post, street string
	relation                 string
}

// setDemographics updates patient i from a PID read by the hl7 package;
// empty values keep what an earlier message gave. The strings kept are
// the Auditor's (owned, common).
func (a *Auditor) setDemographics(i uint32, h *hl7.Patient, nk []hl7.Contact) {
	p := &a.patients[i]
	a.setIf(&p.Given, h.Name.Given)
	a.setIf(&p.Family, h.Name.Family)
	a.setIf(&p.Address, h.Address.Street)
	a.setIf(&p.Postcode, h.Address.Postcode)
	if !h.BirthDate.IsZero() {
		p.BirthDate = h.BirthDate
	}
	if !h.DeathTime.IsZero() {
		p.Death = h.DeathTime
	}
	if len(nk) > 0 {
		// A new slice: Live's analyses may be reading the old one.
		p.Kin = make([]kin, 0, len(nk))
		for _, c := range nk {
			rel := c.RelationText
			if rel == "" {
				rel = c.Relationship
			}
			p.Kin = append(p.Kin, kin{
				fam: a.owned(foldName(c.Name.Family)), given: a.owned(foldName(c.Name.Given)),
				post: a.owned(normPostcode(c.Address.Postcode)), street: a.owned(streetName(c.Address.Street)), relation: a.common(rel),
			})
		}
	}
	p.fam, p.given = foldName(p.Family), foldName(p.Given)
	p.post, p.street = normPostcode(p.Postcode), streetName(p.Address)
	p.name = displayName(p.Given, p.Family, p.Key)
}

// setIf sets *dst to v unless v is empty or the same.
func (a *Auditor) setIf(dst *string, v string) {
	if v != "" && v != *dst {
		*dst = a.owned(v)
	}
}

// foldName lower-cases a name and drops what is not a letter, so that
// "O'Brien", "OBRIEN" and "o brien" compare equal.
func foldName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// normPostcode upper-cases a postcode and removes spaces ("ls1 4ab" ->
// "LS14AB").
func normPostcode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// streetName returns the street of an address line, lower-cased, without
// the house number or flat ("12a Station Road, Leeds" -> "station road").
// Only the first comma-separated part is read.
func streetName(addr string) string {
	if i := strings.IndexByte(addr, ','); i >= 0 {
		addr = addr[:i]
	}
	var words []string
	for _, w := range strings.Fields(strings.ToLower(addr)) {
		if w[0] >= '0' && w[0] <= '9' || w == "flat" || w == "apartment" {
			continue
		}
		words = append(words, strings.Trim(w, ".,"))
	}
	if len(words) < 2 { // a bare name is not enough to call a street shared
		return ""
	}
	return strings.Join(words, " ")
}

// displayName writes a person as evidence names them: "J. Smith".
func displayName(given, family, fallback string) string {
	family = titleCase(family)
	switch {
	case family == "" && given == "":
		return fallback
	case given == "":
		return family
	case family == "":
		return titleCase(given)
	}
	r := []rune(given)
	return string(unicode.ToUpper(r[0])) + ". " + family
}

// titleCase turns "SMITH" into "Smith" and leaves mixed case alone.
func titleCase(s string) string {
	if s != strings.ToUpper(s) {
		return s
	}
	out := []rune(strings.ToLower(s))
	up := true
	for i, r := range out {
		if up && unicode.IsLetter(r) {
			out[i] = unicode.ToUpper(r)
		}
		up = !unicode.IsLetter(r)
	}
	return string(out)
}
