package oidc

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vigilhealth/vigil/internal/auth"
)

// claimValues returns the values of claim in claims, as strings. The
// claim is a string, a number, a boolean, or a list of them; written
// CLAIM.FIELD it is a list of objects (or one object) whose FIELD is
// taken, as CIS2's nhsid_nrbac_roles.role_code. A claim whose own name
// holds a dot (namespaced claims such as https://example.org/roles) is
// found by its whole name first. found is false when the claim is absent.
func claimValues(claims map[string]any, claim string) (values []string, found bool) {
	if v, ok := claims[claim]; ok {
		return scalars(v), true
	}
	name, field, ok := strings.Cut(claim, ".")
	if !ok {
		return nil, false
	}
	v, ok := claims[name]
	if !ok {
		return nil, false
	}
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	for _, item := range items {
		if obj, ok := item.(map[string]any); ok {
			if inner, ok := claimValues(obj, field); ok {
				values = append(values, inner...)
			}
		}
	}
	return values, true
}

// scalars turns a claim value into strings; objects are skipped.
func scalars(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case bool:
		return []string{strconv.FormatBool(v)}
	case []any:
		var out []string
		for _, item := range v {
			out = append(out, scalars(item)...)
		}
		return out
	}
	return nil
}

// roleFor maps claim values to one Vigil role. A person whose values map
// to several roles gets the first of admin, privacy_officer, analyst and
// board that one of them maps to: the order is fixed so that a login
// does not depend on the order the provider lists roles in. ok is false
// when no value maps to a role.
func roleFor(values []string, mapping map[string]auth.Role) (auth.Role, bool) {
	best := len(personRoles)
	for _, v := range values {
		if r, ok := mapping[v]; ok {
			if i := slices.Index(personRoles, r); i >= 0 && i < best {
				best = i
			}
		}
	}
	if best == len(personRoles) {
		return "", false
	}
	return personRoles[best], true
}

// maxNameLen bounds the account name taken from a provider's claims.
const maxNameLen = 200

// personName is the account name of a person logged in through the
// provider: "oidc:" and the first of preferred_username and email that
// the claims hold, else the subject, so that it never collides with a
// local account. Control characters are dropped and the length bounded,
// as the name goes into logs and the audit trail.
func personName(claims map[string]any, subject string) string {
	name := subject
	for _, c := range []string{"preferred_username", "email"} {
		if s, ok := claims[c].(string); ok && strings.TrimSpace(s) != "" {
			name = s
			break
		}
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if len(name) > maxNameLen {
		name = strings.ToValidUTF8(name[:maxNameLen], "")
	}
	return "oidc:" + name
}
