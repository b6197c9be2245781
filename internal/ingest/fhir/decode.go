package fhir

import "github.com/vigilhealth/vigil/internal/ingest/access"

// scratch is the resource the scanner decodes into, and the slabs its
// parts come from, all reused from one AuditEvent to the next.
type scratch struct {
	res         resource
	recorded    string
	src         source
	periods     [2]period // R4 period, R5 occurredPeriod
	codingSlab  slab[access.Coding]
	conceptSlab slab[concept]
	refSlab     slab[reference]
	idSlab      slab[identifier]
	netSlab     slab[network]
	agentSlab   slab[agent]
	entitySlab  slab[entity]
}

// reset empties the scratch, keeping its storage and none of the input.
func (sc *scratch) reset() {
	sc.res, sc.recorded, sc.src, sc.periods = resource{}, "", source{}, [2]period{}
	sc.codingSlab.reset()
	sc.conceptSlab.reset()
	sc.refSlab.reset()
	sc.idSlab.reset()
	sc.netSlab.reset()
	sc.agentSlab.reset()
	sc.entitySlab.reset()
}

// decodeResource decodes data with the scanner s and reports whether it
// could; false leaves data to be decoded again by encoding/json (see
// scanner). The resource is s's scratch, valid until s.reset.
func (s *scanner) decodeResource(data []byte) (*resource, bool) {
	s.b, s.i, s.depth = data, 0, 0
	r := &s.res
	ok := s.resource(r) && s.end()
	return r, ok
}

// reset drops the input and the scratch decoded from it, so that the pool
// keeps no caller's data.
func (s *scanner) reset() {
	s.b = nil
	s.scratch.reset()
	if len(s.esc) > 0 {
		clear(s.esc)
		s.esc = s.esc[:0]
	}
}

// The names below are resource's JSON names, in the order of the cases.
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
			return s.conceptList(&r.Subtype)
		case 5:
			return s.period(&r.Period, &s.periods[0])
		case 6:
			return s.str(&r.OutcomeDesc)
		case 7:
			return s.conceptList(&r.PurposeOfEvent)
		case 8:
			return s.conceptList(&r.Category)
		case 9:
			return s.conceptPtr(&r.Code)
		case 10:
			return s.str(&r.OccurredDateTime)
		case 11:
			return s.period(&r.OccurredPeriod, &s.periods[1])
		case 12:
			return s.conceptList(&r.Authorization)
		case 13:
			return s.referencePtr(&r.Patient)
		case 14:
			return s.str(&r.Action)
		case 15:
			r.Recorded = &s.recorded
			return s.str(r.Recorded)
		case 16:
			return s.outcome(&r.Outcome)
		case 17:
			return s.agentList(&r.Agent)
		case 18:
			r.Source = &s.src
			return s.source(r.Source)
		}
		return s.entityList(&r.Entity)
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
	start := len(s.codingSlab.buf)
	ok := s.array(func() bool { return s.coding(s.codingSlab.push(&start)) })
	*dst = s.codingSlab.since(start)
	return ok
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
	*dst = s.conceptSlab.one()
	return s.concept(*dst)
}

func (s *scanner) conceptList(dst *[]concept) bool {
	start := len(s.conceptSlab.buf)
	ok := s.array(func() bool { return s.concept(s.conceptSlab.push(&start)) })
	*dst = s.conceptSlab.since(start)
	return ok
}

var periodNames = []string{"start", "end"}

func (s *scanner) period(dst **period, p *period) bool {
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
			id := s.idSlab.one()
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
	*dst = s.refSlab.one()
	return s.reference(*dst)
}

var agentNames = []string{"type", "role", "who", "requestor", "purposeOfUse", "authorization", "altId", "name",
	"network", "networkString", "networkUri", "networkReference"}

func (s *scanner) agentList(dst *[]agent) bool {
	start := len(s.agentSlab.buf)
	ok := s.array(func() bool { return s.agent(s.agentSlab.push(&start)) })
	*dst = s.agentSlab.since(start)
	return ok
}

func (s *scanner) agent(a *agent) bool {
	return s.object(agentNames, func(k int) bool {
		switch k {
		case 0:
			return s.conceptPtr(&a.Type)
		case 1:
			return s.conceptList(&a.Role)
		case 2:
			return s.referencePtr(&a.Who)
		case 3:
			return s.boolean(&a.Requestor)
		case 4:
			return s.conceptList(&a.PurposeOfUse)
		case 5:
			return s.conceptList(&a.Authorization)
		case 6:
			return s.str(&a.AltID)
		case 7:
			return s.str(&a.Name)
		case 8:
			a.Network = s.netSlab.one()
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
			r := s.refSlab.one()
			ok := s.reference(r)
			src.Site.text = refText(r)
			return ok
		case 1:
			return s.referencePtr(&src.Observer)
		}
		return s.conceptList(&src.Type)
	})
}

var entityNames = []string{"what", "type", "role", "query", "securityLabel"}

func (s *scanner) entityList(dst *[]entity) bool {
	start := len(s.entitySlab.buf)
	ok := s.array(func() bool {
		e := s.entitySlab.push(&start)
		return s.object(entityNames, func(k int) bool {
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
			return s.conceptList(&e.SecurityLabel)
		})
	})
	*dst = s.entitySlab.since(start)
	return ok
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
		return s.conceptList(&detail)
	})
	if !ok {
		return false
	}
	o.r5 = true
	if k, ok := code.first(); ok {
		o.code = k.Code
	}
	for _, d := range detail {
		if t := conceptText(&d); t != "" {
			o.detail = t
			break
		}
	}
	return true
}
