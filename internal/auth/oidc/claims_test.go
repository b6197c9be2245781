package oidc

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigilhealth/vigil/internal/auth"
)

func TestClaimValues(t *testing.T) {
	tests := []struct {
		name, claims, claim string
		want                []string
		found               bool
	}{
		{"string", `{"role":"analysts"}`, "role", []string{"analysts"}, true},
		{"list", `{"groups":["a","b"]}`, "groups", []string{"a", "b"}, true},
		{"numbers and booleans", `{"groups":[7, 1.5, true]}`, "groups", []string{"7", "1.5", "true"}, true},
		{"absent", `{"groups":["a"]}`, "roles", nil, false},
		{"namespaced claim with dots", `{"https://trust.example/roles":["x"]}`, "https://trust.example/roles", []string{"x"}, true},
		{"CIS2 RBAC roles", `{"nhsid_nrbac_roles":[{"role_code":"S8000:G8000:R8001","org_code":"RX1"},{"role_code":"S0080:G0450:R5080"}]}`,
			"nhsid_nrbac_roles.role_code", []string{"S8000:G8000:R8001", "S0080:G0450:R5080"}, true},
		{"one object", `{"realm_access":{"roles":["vigil-admin","x"]}}`, "realm_access.roles", []string{"vigil-admin", "x"}, true},
		{"objects without the field", `{"r":[{"other":"x"}, "plain"]}`, "r.code", nil, true},
		{"nested objects skipped as values", `{"groups":[{"name":"a"}]}`, "groups", nil, true},
		{"null", `{"groups":null}`, "groups", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var claims map[string]any
			if err := json.Unmarshal([]byte(tt.claims), &claims); err != nil {
				t.Fatal(err)
			}
			got, found := claimValues(claims, tt.claim)
			if !slices.Equal(got, tt.want) || found != tt.found {
				t.Errorf("claimValues(%s, %q) = %q, %v; want %q, %v", tt.claims, tt.claim, got, found, tt.want, tt.found)
			}
		})
	}
}

func TestRoleFor(t *testing.T) {
	mapping := map[string]auth.Role{"a": auth.RoleAnalyst, "p": auth.RolePrivacyOfficer, "b": auth.RoleBoard, "x": auth.RoleAdmin}
	tests := []struct {
		values []string
		want   auth.Role
		ok     bool
	}{
		{[]string{"a"}, auth.RoleAnalyst, true},
		{[]string{"b", "a"}, auth.RoleAnalyst, true},
		{[]string{"a", "p"}, auth.RolePrivacyOfficer, true},
		{[]string{"b", "x", "a"}, auth.RoleAdmin, true},
		{[]string{"zzz"}, "", false},
		{nil, "", false},
	}
	for _, tt := range tests {
		if got, ok := roleFor(tt.values, mapping); got != tt.want || ok != tt.ok {
			t.Errorf("roleFor(%q) = %q, %v; want %q, %v", tt.values, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPersonName(t *testing.T) {
	tests := []struct {
		claims  map[string]any
		subject string
		want    string
	}{
		{map[string]any{"preferred_username": "alice", "email": "a@x"}, "s1", "oidc:alice"},
		{map[string]any{"email": "a@x"}, "s1", "oidc:a@x"},
		{map[string]any{"preferred_username": "  "}, "s1", "oidc:s1"},
		{map[string]any{"preferred_username": "eve\nforged audit line"}, "s1", "oidc:eveforged audit line"},
		{map[string]any{"preferred_username": strings.Repeat("é", 150)}, "s1", "oidc:" + strings.Repeat("é", 100)},
	}
	for _, tt := range tests {
		if got := personName(tt.claims, tt.subject); got != tt.want {
			t.Errorf("personName(%v) = %q, want %q", tt.claims, got, tt.want)
		}
	}
}

// FuzzClaimValues reads role claims from arbitrary claim sets: it must
// not panic, and whatever it returns for a value must map through
// roleFor to a role of the mapping or to none.
func FuzzClaimValues(f *testing.F) {
	f.Add(`{"groups":["vigil-analysts","staff"]}`, "groups")
	f.Add(`{"nhsid_nrbac_roles":[{"person_orgid":"1","org_code":"RX1","role_code":"S8000:G8000:R8001","role_name":"\"Clinical\":\"Privacy Officer\""}]}`, "nhsid_nrbac_roles.role_code")
	f.Add(`{"realm_access":{"roles":["a"]},"https://x/roles":[1,true,null]}`, "realm_access.roles")
	f.Add(`{"a":{"b":{"c":[{"d":"e"}]}}}`, "a.b.c.d")
	f.Fuzz(func(t *testing.T, claimsJSON, claim string) {
		var claims map[string]any
		if json.Unmarshal([]byte(claimsJSON), &claims) != nil {
			return
		}
		values, found := claimValues(claims, claim)
		if !found && len(values) > 0 {
			t.Fatalf("values %q for a claim not found", values)
		}
		mapping := map[string]auth.Role{}
		for _, v := range values {
			mapping[v] = auth.RoleBoard
		}
		if r, ok := roleFor(values, mapping); len(values) > 0 && (!ok || r != auth.RoleBoard) {
			t.Fatalf("roleFor(%q) = %q, %v", values, r, ok)
		}
		if name := personName(claims, "s"); !utf8.ValidString(name) && utf8.ValidString(claimsJSON) {
			t.Fatalf("personName gave invalid UTF-8 %q", name)
		}
	})
}
