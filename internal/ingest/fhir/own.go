package fhir

import (
	"strings"
	"unsafe"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// owner gives an Access decoded by the scanner strings of its own: the
// scratch resource's strings are views of the caller's input, which the
// caller may reuse (Reader does, line after line). Short coded values
// (code systems, codes, roles, the source) repeat in every event and are
// interned, each allocated once per owner; the rest, values that differ
// from event to event, are copied together into one allocation per
// record.
type owner struct {
	strs map[string]string
}

// Interning bounds: values up to maxIntern bytes, maxStrs of them before
// the table starts afresh.
const (
	maxIntern = 96
	maxStrs   = 4096
)

func newOwner() owner { return owner{strs: make(map[string]string, 256)} }

// intern returns a copy of v, shared with earlier equal values.
func (o *owner) intern(v string) string {
	if c, ok := o.strs[v]; ok {
		return c
	}
	if len(o.strs) >= maxStrs {
		clear(o.strs)
	}
	c := strings.Clone(v)
	o.strs[c] = c
	return c
}

// keep replaces every string of a with one that does not refer to the
// input.
func (o *owner) keep(a *Access) {
	n := 0
	eachString(a, func(p *string, coded bool) {
		if !coded || len(*p) > maxIntern {
			n += len(*p)
		}
	})
	buf := make([]byte, 0, n)
	eachString(a, func(p *string, coded bool) {
		switch {
		case *p == "":
		case coded && len(*p) <= maxIntern:
			*p = o.intern(*p)
		default:
			start := len(buf)
			buf = append(buf, *p...)
			// buf was sized to hold every value, so it never moves and
			// no byte of it is written twice.
			*p = unsafe.String(&buf[start], len(*p))
		}
	})
}

// eachString calls f with every string of a, saying whether it is a coded
// value that repeats from event to event. Format is always a constant
// and left out.
func eachString(a *Access, f func(p *string, coded bool)) {
	f(&a.ID, false)
	f(&a.Action, true)
	eachCoding(&a.Type, f)
	for i := range a.Subtypes {
		eachCoding(&a.Subtypes[i], f)
	}
	f(&a.Outcome, true)
	f(&a.OutcomeDetail, false)
	f(&a.UserID, false)
	f(&a.UserAltID, false)
	f(&a.UserName, false)
	for i := range a.UserRole {
		f(&a.UserRole[i], true)
	}
	for i := range a.PurposeOfUse {
		eachCoding(&a.PurposeOfUse[i], f)
	}
	for i := range a.PatientIDs {
		f(&a.PatientIDs[i].System, true)
		f(&a.PatientIDs[i].Value, false)
	}
	f(&a.NHSNumber, false)
	for i := range a.PatientRefs {
		f(&a.PatientRefs[i], false)
	}
	for i := range a.EntityRefs {
		f(&a.EntityRefs[i], false)
	}
	f(&a.Query, false)
	f(&a.Source, true)
	f(&a.Site, true)
	f(&a.NetworkAddress, false)
}

func eachCoding(c *access.Coding, f func(p *string, coded bool)) {
	f(&c.System, true)
	f(&c.Code, true)
	f(&c.Display, true)
}

// accessBlock is an Access with room for the usual length of each of its
// lists (a read by a user with a type and a role, of one patient), so that
// a record is one allocation rather than one per list; a longer list
// moves out when it is appended to.
type accessBlock struct {
	Access
	subtypes [1]access.Coding
	roles    [2]string
	purposes [1]access.Coding
	ids      [1]access.Identifier
	patients [1]string
	entities [1]string
}

// newAccess returns an empty Access whose lists start in its block;
// trimLists must be called once it is filled.
func newAccess() *Access {
	b := &accessBlock{}
	a := &b.Access
	a.Subtypes = b.subtypes[:0:len(b.subtypes)]
	a.UserRole = b.roles[:0:len(b.roles)]
	a.PurposeOfUse = b.purposes[:0:len(b.purposes)]
	a.PatientIDs = b.ids[:0:len(b.ids)]
	a.PatientRefs = b.patients[:0:len(b.patients)]
	a.EntityRefs = b.entities[:0:len(b.entities)]
	return a
}

// trimLists makes the lists left empty nil, as in an Access built field
// by field.
func trimLists(a *Access) {
	a.Subtypes = nilIfEmpty(a.Subtypes)
	a.UserRole = nilIfEmpty(a.UserRole)
	a.PurposeOfUse = nilIfEmpty(a.PurposeOfUse)
	a.PatientIDs = nilIfEmpty(a.PatientIDs)
	a.PatientRefs = nilIfEmpty(a.PatientRefs)
	a.EntityRefs = nilIfEmpty(a.EntityRefs)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
