package fhir

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// normalise checks r and builds its Access. Errors carry the JSON path
// within the resource.
func normalise(r *resource) (*Access, error) {
	switch r.ResourceType {
	case "AuditEvent":
	case "":
		return nil, errAt("resourceType", "is missing (want AuditEvent)")
	default:
		return nil, errAt("resourceType", "is %q, not AuditEvent", r.ResourceType)
	}
	a := newAccess()
	a.Format = version(r)
	a.ID = r.ID
	if err := setTimes(a, r); err != nil {
		return nil, err
	}
	if err := setAction(a, r); err != nil {
		return nil, err
	}
	setTypes(a, r)
	if err := setOutcome(a, r); err != nil {
		return nil, err
	}
	if err := setAgents(a, r); err != nil {
		return nil, err
	}
	setSource(a, r)
	setEntities(a, r)
	a.BreakGlass = breakGlass(a, r)
	trimLists(a)
	return a, nil
}

// version tells R4 from R5 by the elements only one of them has. A
// transitional resource that mixes both is reported as R5, since only R5
// builds carry R5 elements; one with neither is plain "fhir".
func version(r *resource) string {
	r5 := len(r.Category) > 0 || r.Code != nil || r.OccurredDateTime != "" || r.OccurredPeriod != nil ||
		len(r.Authorization) > 0 || r.Patient != nil || r.Outcome.r5
	r4 := r.Type != nil || len(r.Subtype) > 0 || r.Period != nil || len(r.PurposeOfEvent) > 0 ||
		(r.Outcome.set && !r.Outcome.r5) || r.OutcomeDesc != ""
	for i := range r.Agent {
		ag := &r.Agent[i]
		r5 = r5 || ag.NetworkString != "" || ag.NetworkURI != "" || ag.NetworkReference != nil || len(ag.Authorization) > 0
		r4 = r4 || ag.Network != nil || ag.Name != "" || ag.AltID != "" || len(ag.PurposeOfUse) > 0
	}
	switch {
	case r5:
		return "fhir-r5"
	case r4:
		return "fhir-r4"
	}
	return "fhir"
}

func setTimes(a *Access, r *resource) error {
	if r.Recorded == nil {
		return errAt("recorded", "is missing")
	}
	t, err := parseTime(*r.Recorded)
	if err != nil {
		return &Error{Path: "recorded", Msg: "invalid", Err: err}
	}
	a.Recorded = t
	occurred, path := r.OccurredDateTime, "occurredDateTime"
	switch {
	case r.OccurredPeriod != nil && occurred == "":
		occurred, path = r.OccurredPeriod.Start, "occurredPeriod.start"
	case r.Period != nil && occurred == "":
		occurred, path = r.Period.Start, "period.start"
	}
	if occurred != "" {
		if a.Occurred, err = parseTime(occurred); err != nil {
			return &Error{Path: path, Msg: "invalid", Err: err}
		}
	}
	return nil
}

func setAction(a *Access, r *resource) error {
	switch r.Action {
	case "", "C", "R", "U", "D", "E":
		a.Action = r.Action
		return nil
	}
	return errAt("action", "%q is not one of C, R, U, D, E", r.Action)
}

func setTypes(a *Access, r *resource) {
	typed := false
	for c := range r.Type.all() {
		if !typed {
			a.Type, typed = c, true
			continue
		}
		a.Subtypes = append(a.Subtypes, c)
	}
	for i := range r.Category {
		for c := range r.Category[i].all() {
			if a.Type == (access.Coding{}) {
				a.Type = c
				continue
			}
			a.Subtypes = append(a.Subtypes, c)
		}
	}
	for i := range r.Subtype {
		a.Subtypes = slices.AppendSeq(a.Subtypes, r.Subtype[i].all())
	}
	a.Subtypes = slices.AppendSeq(a.Subtypes, r.Code.all())
}

func setOutcome(a *Access, r *resource) error {
	o := r.Outcome
	if o.set && !o.r5 {
		switch o.code {
		case "0", "4", "8", "12":
		default:
			return errAt("outcome", "%q is not one of 0, 4, 8, 12", o.code)
		}
	}
	a.Outcome = o.code
	a.OutcomeDetail = o.detail
	if a.OutcomeDetail == "" {
		a.OutcomeDetail = r.OutcomeDesc
	}
	return nil
}

func setSource(a *Access, r *resource) {
	if r.Source == nil {
		return
	}
	a.Source = refText(r.Source.Observer)
	a.Site = r.Source.Site.text
}

func setEntities(a *Access, r *resource) {
	if r.Patient != nil {
		addPatient(a, r.Patient)
	}
	for i := range r.Entity {
		e := &r.Entity[i]
		if e.What != nil {
			a.AddEntityRef(e.What.Reference)
			if isPatientEntity(e) || isNHS(e.What.Identifier) {
				addPatient(a, e.What)
			}
		}
		if a.Query == "" && e.Query != "" {
			a.Query = decodeQuery(e.Query)
		}
	}
}

// isPatientEntity reports an entity that is a patient: role Patient
// (object-role 1), type Patient (resource-types), or a Patient reference.
func isPatientEntity(e *entity) bool {
	return (e.Role != nil && hasSystemCode(e.Role, "object-role", "1")) ||
		(e.Type != nil && e.Type.hasCode("Patient")) ||
		isPatientRef(e.What.Reference)
}

// hasSystemCode reports whether c has code in a code system whose URI ends
// in suffix, or with no system (producers often leave it out).
func hasSystemCode(c *concept, suffix, code string) bool {
	for k := range c.all() {
		if k.Code == code && (k.System == "" || strings.HasSuffix(k.System, suffix)) {
			return true
		}
	}
	return false
}

func isPatientRef(ref string) bool {
	return strings.HasPrefix(ref, "Patient/") || strings.Contains(ref, "/Patient/")
}

func isNHS(id *identifier) bool { return id != nil && access.IsNHSNumberSystem(id.System) }

// addPatient records the reference and identifier of a patient.
func addPatient(a *Access, ref *reference) {
	if ref.Reference != "" {
		p := ref.Reference
		if i := strings.Index(p, "/_history/"); i >= 0 {
			p = p[:i]
		}
		a.AddPatientRef(p)
	}
	if id := ref.Identifier; id != nil && id.Value != "" {
		if id.System == "" && strings.Contains(id.Value, "^") {
			a.AddPatientID(access.ParseCX(id.Value))
			return
		}
		a.AddPatientID(access.Identifier{System: id.System, Value: id.Value})
	}
}

// decodeQuery decodes a base64Binary query; FHIR requires standard base64
// but producers also send unpadded or URL-safe forms. Text that decodes as
// none of them is kept as given.
func decodeQuery(s string) string {
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 { // wrapped lines; most have none
		s = strings.Join(strings.Fields(s), "")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return string(b)
		}
	}
	return s
}

func breakGlass(a *Access, r *resource) bool {
	if access.IsBreakGlass(a.Type) || access.IsBreakGlass(a.Subtypes...) ||
		access.IsBreakGlass(a.PurposeOfUse...) || access.IsBreakGlass(r.Meta.Security...) {
		return true
	}
	for i := range r.Entity {
		for j := range r.Entity[i].SecurityLabel {
			for c := range r.Entity[i].SecurityLabel[j].all() {
				if access.IsBreakGlass(c) {
					return true
				}
			}
		}
	}
	return false
}

// index formats an element path with an array index.
func index(name string, i int) string { return fmt.Sprintf("%s[%d]", name, i) }
