package auth

import (
	"strings"
	"testing"
)

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, bad := range []string{"", "Admin", "root", "analyst "} {
		if _, err := ParseRole(bad); err == nil || !strings.Contains(err.Error(), "privacy_officer") {
			t.Errorf("ParseRole(%q): %v, want an error listing the roles", bad, err)
		}
	}
}

func TestAdmits(t *testing.T) {
	cases := []struct {
		roles []Role
		r     Role
		want  bool
	}{
		{[]Role{RoleAnalyst}, RoleAnalyst, true},
		{[]Role{RoleAnalyst}, RoleBoard, false},
		{[]Role{RoleAnalyst}, RoleAdmin, true},
		{nil, RoleAdmin, true},
		{nil, RoleAnalyst, false},
		{[]Role{RoleIngest}, RolePrivacyOfficer, false},
		{[]Role{RoleAnalyst}, "", false},
	}
	for _, c := range cases {
		if got := Admits(c.roles, c.r); got != c.want {
			t.Errorf("Admits(%v, %q) = %v, want %v", c.roles, c.r, got, c.want)
		}
	}
}
