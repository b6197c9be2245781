package auth

import (
	"strings"
	"testing"
)

func TestUsersListAndSetPassword(t *testing.T) {
	dir := t.TempDir()
	us := OpenUsers(dir, cheapArgon2)
	if got, err := us.List(); err != nil || len(got) != 0 {
		t.Fatalf("List of an empty store: %v, %v", got, err)
	}
	us.Add("sam", RoleAnalyst, "long enough password", false)
	us.Add("priya", RolePrivacyOfficer, "three random words", false)
	got, err := us.List()
	if err != nil || len(got) != 2 || got[0].Name != "sam" || got[1].Role != RolePrivacyOfficer {
		t.Fatalf("List: %+v, %v", got, err)
	}
	for _, u := range got {
		if u.Password != "" || u.Created.IsZero() {
			t.Errorf("listed %+v: want no hash and a creation time", u)
		}
	}
	if err := us.SetPassword("priya", "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	other := OpenUsers(dir, cheapArgon2)
	cases := []struct {
		pw string
		ok bool
	}{{"a brand new passphrase", true}, {"three random words", false}}
	for _, c := range cases {
		u, ok, err := other.Authenticate("priya", c.pw)
		if err != nil || ok != c.ok || (ok && (u.Role != RolePrivacyOfficer || !u.Created.Equal(got[1].Created))) {
			t.Errorf("after the reset, Authenticate(%q) = %+v, %v, %v; want ok %v, role and creation kept", c.pw, u, ok, err, c.ok)
		}
	}
	for _, c := range []struct{ name, pw, want string }{
		{"nobody", "long enough password", "no local account"},
		{"sam", "short", "at least 12"},
	} {
		if err := us.SetPassword(c.name, c.pw); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SetPassword(%q, %q): %v, want %q", c.name, c.pw, err, c.want)
		}
	}
}
