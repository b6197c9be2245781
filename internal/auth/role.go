package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what a principal may do; routes name the roles they admit.
type Role string

// The roles. Admin may call every route; Ingest may only send events.
const (
	RoleAnalyst        Role = "analyst"         // alerts, incidents, event search, sources, stats, rules
	RolePrivacyOfficer Role = "privacy_officer" // privacy cases and patient reports, stats, sources
	RoleBoard          Role = "board"           // overview figures and reports: no event or patient detail
	RoleAdmin          Role = "admin"           // everything, and settings: users, tokens, notification targets
	RoleIngest         Role = "ingest"          // log shippers: POST events, FHIR; nothing else
)

// Roles lists every role, in a fixed order.
func Roles() []Role {
	return []Role{RoleAnalyst, RolePrivacyOfficer, RoleBoard, RoleAdmin, RoleIngest}
}

// ParseRole reads a role name; the error lists the valid ones.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if slices.Contains(Roles(), r) {
		return r, nil
	}
	names := make([]string, 0, len(Roles()))
	for _, r := range Roles() {
		names = append(names, string(r))
	}
	return "", fmt.Errorf("unknown role %q: use one of %s", s, strings.Join(names, ", "))
}

// Admits reports whether a principal in role r may use a route that
// admits roles. Admin is admitted everywhere, so that a route cannot be
// added that nobody may reach; an empty list admits only admin.
func Admits(roles []Role, r Role) bool {
	return r == RoleAdmin || slices.Contains(roles, r)
}
