package fhir

import "github.com/vigilhealth/vigil/internal/ingest/access"

// setAgents checks the agents, picks the user and gathers purposes of use
// and patients acting as agents.
func setAgents(a *Access, r *resource) error {
	if len(r.Agent) == 0 {
		return errAt("agent", "is missing (an AuditEvent needs at least one agent)")
	}
	r5 := a.Format == "fhir-r5"
	for i := range r.Agent {
		ag := &r.Agent[i]
		if r5 && ag.Who == nil {
			return errAt(index("agent", i), "who is missing (required in R5)")
		}
		if ag.Who != nil && (isPatientRef(ag.Who.Reference) || isNHS(ag.Who.Identifier)) {
			addPatient(a, ag.Who)
		}
	}
	addPurposes(a, r.PurposeOfEvent)
	addPurposes(a, r.Authorization)
	for i := range r.Agent {
		addPurposes(a, r.Agent[i].PurposeOfUse)
		addPurposes(a, r.Agent[i].Authorization)
	}
	if u := pickUser(r.Agent); u >= 0 {
		setUser(a, &r.Agent[u])
	}
	if a.NetworkAddress == "" {
		a.NetworkAddress = fallbackAddress(r.Agent)
	}
	return nil
}

// pickUser returns the index of the agent that asked for the action: the
// first requestor, else the first human user; -1 if there is neither.
func pickUser(agents []agent) int {
	for i := range agents {
		if agents[i].Requestor != nil && *agents[i].Requestor {
			return i
		}
	}
	for i := range agents {
		if agents[i].Type != nil && agents[i].Type.hasCode("humanuser") {
			return i
		}
	}
	return -1
}

func setUser(a *Access, ag *agent) {
	a.Requestor = ag.Requestor != nil && *ag.Requestor
	if ag.Who != nil {
		if ag.Who.Identifier != nil && ag.Who.Identifier.Value != "" {
			a.UserID = ag.Who.Identifier.Value
		} else {
			a.UserID = ag.Who.Reference
		}
		a.UserName = ag.Who.Display
	}
	if ag.Name != "" {
		a.UserName = ag.Name
	}
	a.UserAltID = ag.AltID
	for c := range ag.Type.all() {
		a.UserRole = append(a.UserRole, c.Code)
	}
	for i := range ag.Role {
		for c := range ag.Role[i].all() {
			a.UserRole = append(a.UserRole, c.Code)
		}
	}
	a.NetworkAddress = address(ag)
}

// address is the network address of an agent, in R4 or R5 form.
func address(ag *agent) string {
	switch {
	case ag.Network != nil && ag.Network.Address != "":
		return ag.Network.Address
	case ag.NetworkString != "":
		return ag.NetworkString
	case ag.NetworkURI != "":
		return ag.NetworkURI
	}
	return refText(ag.NetworkReference)
}

// fallbackAddress is used when the user has no address: the first IP
// address (R4 network type 2) of any agent, since that is most often the
// client, else the first address of any kind.
func fallbackAddress(agents []agent) string {
	for i := range agents {
		if n := agents[i].Network; n != nil && n.Type == "2" && n.Address != "" {
			return n.Address
		}
	}
	for i := range agents {
		if s := address(&agents[i]); s != "" {
			return s
		}
	}
	return ""
}

// addPurposes appends the codings of cs, once each.
func addPurposes(a *Access, cs []concept) {
	for i := range cs {
		for c := range cs[i].all() {
			if !hasCoding(a.PurposeOfUse, c) {
				a.PurposeOfUse = append(a.PurposeOfUse, c)
			}
		}
	}
}

func hasCoding(list []access.Coding, c access.Coding) bool {
	for _, k := range list {
		if k.System == c.System && k.Code == c.Code {
			return true
		}
	}
	return false
}
