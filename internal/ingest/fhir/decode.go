package fhir

import "github.com/vigilhealth/vigil/internal/ingest/access"

// decodeResource fills r from data with the scanner and reports whether it
// could; false leaves r to be decoded again by encoding/json (see scanner).
// The names below are resource's JSON names, in the order of the cases.
func decodeResource(data []byte, r *resource) bool {
	s := scanners.Get().(*scanner)
	s.b, s.i, s.depth = data, 0, 0
	ok := s.resource(r) && s.end()
	s.b = nil // the pool keeps no caller's data
	scanners.Put(s)
	return ok
}

var resourceNames = []string{"resourceType", "id", "meta", "type", "subtype", "period", "outcomeDesc", "purposeOfEvent",
	"category", "code", "occurredDateTime", "occurredPeriod", "authorization", "patient", "action", "recorded",
	"outcome", "agent", "source", "entity"}

func (s *scanner) resource(r *resource) bool {
	return s.object(resourceNames, func(k int) bool {
		switch k {
		case 0:
			return s.str(&r.ResourceType)
		case 1:
			return s.str(&r.ID)
		case 2:
			return s.object([]string{"security"}, func(int) bool { return s.codings(&r.Meta.Security) })
		case 3:
			return s.conceptPtr(&r.Type)
		case 4:
			return s.concepts(&r.Subtype)
		case 5:
			return s.period(&r.Period)
		case 6:
			return s.str(&r.OutcomeDesc)
		case 7:
			return s.concepts(&r.PurposeOfEvent)
		case 8:
			return s.concepts(&r.Category)
		case 9:
			return s.conceptPtr(&r.Code)
		case 10:
			return s.str(&r.OccurredDateTime)
		case 11:
			return s.period(&r.OccurredPeriod)
		case 12:
			return s.concepts(&r.Authorization)
		case 13:
			return s.referencePtr(&r.Patient)
		case 14:
			return s.str(&r.Action)
		case 15:
			r.Recorded = new(string)
			return s.str(r.Recorded)
		case 16:
			return s.outcome(&r.Outcome)
		case 17:
			return s.agents(&r.Agent)
		case 18:
			r.Source = &source{}
			return s.source(r.Source)
		}
		return s.entities(&r.Entity)
	})
}

var codingNames = []string{"system", "code", "display"}

func (s *scanner) coding(c *access.Coding) bool {
	return s.object(codingNames, func(k int) bool {
		switch k {
		case 0:
			return s.str(&c.System)
		case 1:
			return s.str(&c.Code)
		}
		return s.str(&c.Display)
	})
}

// codings reads an array of Codings (an empty array is an empty slice, as
// encoding/json makes it).
func (s *scanner) codings(dst *[]access.Coding) bool {
	*dst = make([]access.Coding, 0, 2) // most hold one or two
	return s.array(func() bool {
		var c access.Coding
		ok := s.coding(&c)
		*dst = append(*dst, c)
		return ok
	})
}

var conceptNames = []string{"system", "code", "display", "coding", "text"}

func (s *scanner) concept(c *concept) bool {
	return s.object(conceptNames, func(k int) bool {
		switch k {
		case 0:
			return s.str(&c.System)
		case 1:
			return s.str(&c.Code)
		case 2:
			return s.str(&c.Display)
		case 3:
			return s.codings(&c.Coding)
		}
		return s.str(&c.Text)
	})
}

func (s *scanner) conceptPtr(dst **concept) bool {
	*dst = &concept{}
	return s.concept(*dst)
}

func (s *scanner) concepts(dst *[]concept) bool {
	*dst = make([]concept, 0, 2)
	return s.array(func() bool {
		var c concept
		ok := s.concept(&c)
		*dst = append(*dst, c)
		return ok
	})
}

var periodNames = []string{"start", "end"}

func (s *scanner) period(dst **period) bool {
	p := &period{}
	*dst = p
	return s.object(periodNames, func(k int) bool {
		if k == 0 {
			return s.str(&p.Start)
		}
		return s.str(&p.End)
	})
}

var referenceNames = []string{"reference", "identifier", "display"}

func (s *scanner) reference(r *reference) bool {
	return s.object(referenceNames, func(k int) bool {
		switch k {
		case 0:
			return s.str(&r.Reference)
		case 1:
			id := &identifier{}
			r.Identifier = id
			return s.object([]string{"system", "value"}, func(k int) bool {
				if k == 0 {
					return s.str(&id.System)
				}
				return s.str(&id.Value)
			})
		}
		return s.str(&r.Display)
	})
}

func (s *scanner) referencePtr(dst **reference) bool {
	*dst = &reference{}
	return s.reference(*dst)
}

var agentNames = []string{"type", "role", "who", "requestor", "purposeOfUse", "authorization", "altId", "name",
	"network", "networkString", "networkUri", "networkReference"}

func (s *scanner) agents(dst *[]agent) bool {
	*dst = make([]agent, 0, 4)
	return s.array(func() bool {
		var a agent
		ok := s.agent(&a)
		*dst = append(*dst, a)
		return ok
	})
}

func (s *scanner) agent(a *agent) bool {
	return s.object(agentNames, func(k int) bool {
		switch k {
		case 0:
			return s.conceptPtr(&a.Type)
		case 1:
			return s.concepts(&a.Role)
		case 2:
			return s.referencePtr(&a.Who)
		case 3:
			return s.boolean(&a.Requestor)
		case 4:
			return s.concepts(&a.PurposeOfUse)
		case 5:
			return s.concepts(&a.Authorization)
		case 6:
			return s.str(&a.AltID)
		case 7:
			return s.str(&a.Name)
		case 8:
			a.Network = &struct {
				Address string `json:"address"`
				Type    string `json:"type"`
			}{}
			return s.object([]string{"address", "type"}, func(k int) bool {
				if k == 0 {
					return s.str(&a.Network.Address)
				}
				return s.str(&a.Network.Type)
			})
		case 9:
			return s.str(&a.NetworkString)
		case 10:
			return s.str(&a.NetworkURI)
		}
		return s.referencePtr(&a.NetworkReference)
	})
}

var sourceNames = []string{"site", "observer", "type"}

func (s *scanner) source(src *source) bool {
	return s.object(sourceNames, func(k int) bool {
		switch k {
		case 0:
			if s.peek() == '"' {
				return s.str(&src.Site.text)
			}
			var r reference
			ok := s.reference(&r)
			src.Site.text = refText(&r)
			return ok
		case 1:
			return s.referencePtr(&src.Observer)
		}
		return s.concepts(&src.Type)
	})
}

var entityNames = []string{"what", "type", "role", "query", "securityLabel"}

func (s *scanner) entities(dst *[]entity) bool {
	*dst = []entity{}
	return s.array(func() bool {
		var e entity
		ok := s.object(entityNames, func(k int) bool {
			switch k {
			case 0:
				return s.referencePtr(&e.What)
			case 1:
				return s.conceptPtr(&e.Type)
			case 2:
				return s.conceptPtr(&e.Role)
			case 3:
				return s.str(&e.Query)
			}
			return s.concepts(&e.SecurityLabel)
		})
		*dst = append(*dst, e)
		return ok
	})
}

var outcomeNames = []string{"code", "detail"}

// outcome reads an R4 code string or an R5 outcome object, as
// outcomeValue.UnmarshalJSON does.
func (s *scanner) outcome(o *outcomeValue) bool {
	o.set = true
	if s.peek() == '"' {
		return s.str(&o.code)
	}
	var code *concept
	var detail []concept
	ok := s.object(outcomeNames, func(k int) bool {
		if k == 0 {
			return s.conceptPtr(&code)
		}
		return s.concepts(&detail)
	})
	if !ok {
		return false
	}
	o.r5 = true
	if cs := code.codings(); len(cs) > 0 {
		o.code = cs[0].Code
	}
	for _, d := range detail {
		if t := conceptText(&d); t != "" {
			o.detail = t
			break
		}
	}
	return true
}
