package fhir

import (
	"encoding/json"
	"iter"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// resource is the union of the R4 and R5 AuditEvent elements Vigil reads.
// Elements that changed type between versions are decoded by types that
// accept both shapes (concept, siteValue, outcomeValue).
type resource struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Meta         struct {
		Security []access.Coding `json:"security"`
	} `json:"meta"`

	// R4
	Type           *concept  `json:"type"`
	Subtype        []concept `json:"subtype"`
	Period         *period   `json:"period"`
	OutcomeDesc    string    `json:"outcomeDesc"`
	PurposeOfEvent []concept `json:"purposeOfEvent"`

	// R5
	Category         []concept  `json:"category"`
	Code             *concept   `json:"code"`
	OccurredDateTime string     `json:"occurredDateTime"`
	OccurredPeriod   *period    `json:"occurredPeriod"`
	Authorization    []concept  `json:"authorization"`
	Patient          *reference `json:"patient"`

	// Both
	Action   string       `json:"action"`
	Recorded *string      `json:"recorded"`
	Outcome  outcomeValue `json:"outcome"`
	Agent    []agent      `json:"agent"`
	Source   *source      `json:"source"`
	Entity   []entity     `json:"entity"`
}

type period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// concept decodes a Coding (R4 type, entity.role) and a CodeableConcept
// (R5 category, entity.role) alike: their element names do not overlap.
type concept struct {
	System  string          `json:"system"`
	Code    string          `json:"code"`
	Display string          `json:"display"`
	Coding  []access.Coding `json:"coding"`
	Text    string          `json:"text"`
}

// all yields the codes of c, whichever shape it came in (nothing for a nil
// c), without building a slice of them.
func (c *concept) all() iter.Seq[access.Coding] {
	return func(yield func(access.Coding) bool) {
		if c == nil {
			return
		}
		if c.Code != "" || c.System != "" {
			if !yield(access.Coding{System: c.System, Code: c.Code, Display: c.Display}) {
				return
			}
		}
		for _, k := range c.Coding {
			if !yield(k) {
				return
			}
		}
	}
}

// first returns the first code of c, if it has one.
func (c *concept) first() (access.Coding, bool) {
	for k := range c.all() {
		return k, true
	}
	return access.Coding{}, false
}

// hasCode reports whether c carries code, in any system.
func (c *concept) hasCode(code string) bool {
	for k := range c.all() {
		if k.Code == code {
			return true
		}
	}
	return false
}

type identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type reference struct {
	Reference  string      `json:"reference"`
	Identifier *identifier `json:"identifier"`
	Display    string      `json:"display"`
}

type agent struct {
	Type          *concept   `json:"type"`
	Role          []concept  `json:"role"`
	Who           *reference `json:"who"`
	Requestor     *bool      `json:"requestor"`
	PurposeOfUse  []concept  `json:"purposeOfUse"`  // R4
	Authorization []concept  `json:"authorization"` // R5
	// R4
	AltID   string   `json:"altId"`
	Name    string   `json:"name"`
	Network *network `json:"network"`
	// R5 network[x]
	NetworkString    string     `json:"networkString"`
	NetworkURI       string     `json:"networkUri"`
	NetworkReference *reference `json:"networkReference"`
}

// network is an R4 agent's network access point.
type network struct {
	Address string `json:"address"`
	Type    string `json:"type"`
}

type source struct {
	Site     siteValue  `json:"site"`
	Observer *reference `json:"observer"`
	Type     []concept  `json:"type"`
}

type entity struct {
	What          *reference `json:"what"`
	Type          *concept   `json:"type"` // R4 only
	Role          *concept   `json:"role"`
	Query         string     `json:"query"`
	SecurityLabel []concept  `json:"securityLabel"`
}

// siteValue is source.site: a string in R4, a Reference in R5.
type siteValue struct{ text string }

// UnmarshalJSON accepts a string or a Reference.
func (s *siteValue) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &s.text)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	s.text = refText(&r)
	return nil
}

// outcomeValue is outcome: a code string in R4 ("0", "4", "8", "12"), an
// object {code, detail} in R5.
type outcomeValue struct {
	set    bool
	r5     bool
	code   string
	detail string
}

// UnmarshalJSON accepts an R4 code string or an R5 outcome object.
func (o *outcomeValue) UnmarshalJSON(b []byte) error {
	o.set = true
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &o.code)
	}
	var v struct {
		Code   *concept  `json:"code"`
		Detail []concept `json:"detail"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.r5 = true
	if k, ok := v.Code.first(); ok {
		o.code = k.Code
	}
	for _, d := range v.Detail {
		if t := conceptText(&d); t != "" {
			o.detail = t
			break
		}
	}
	return nil
}

// conceptText is the text of a CodeableConcept, else its first display or code.
func conceptText(c *concept) string {
	if c.Text != "" {
		return c.Text
	}
	for k := range c.all() {
		if k.Display != "" {
			return k.Display
		}
		if k.Code != "" {
			return k.Code
		}
	}
	return ""
}

// refText names what a Reference points at: its identifier value, else the
// literal reference, else its display.
func refText(r *reference) string {
	switch {
	case r == nil:
		return ""
	case r.Identifier != nil && r.Identifier.Value != "":
		return r.Identifier.Value
	case r.Reference != "":
		return r.Reference
	}
	return r.Display
}
