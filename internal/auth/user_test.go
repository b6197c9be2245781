package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsersAddAndAuthenticate(t *testing.T) {
	dir := t.TempDir()
	cli, service := OpenUsers(dir, cheapArgon2), OpenUsers(dir, cheapArgon2)
	if err := cli.Add("priya", RolePrivacyOfficer, "three random words", false); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, pw string
		ok       bool
	}{
		{"priya", "three random words", true},
		{"priya", "three random word", false},
		{"Priya", "three random words", false},
		{"nobody", "three random words", false},
	}
	for _, c := range cases {
		u, ok, err := service.Authenticate(c.name, c.pw)
		if err != nil || ok != c.ok || (ok && u.Role != RolePrivacyOfficer) {
			t.Errorf("Authenticate(%q, %q) = %+v, %v, %v; want ok %v", c.name, c.pw, u, ok, err, c.ok)
		}
	}
	if err := cli.Add("priya", RoleAnalyst, "a different long one", true); err != nil {
		t.Fatal(err)
	}
	if u, ok, _ := service.Authenticate("priya", "a different long one"); !ok || u.Role != RoleAnalyst {
		t.Errorf("after --replace: %+v, %v", u, ok)
	}
}

func TestUsersAddRefuses(t *testing.T) {
	us := OpenUsers(t.TempDir(), cheapArgon2)
	us.Add("sam", RoleAnalyst, "long enough password", false)
	cases := []struct {
		name string
		role Role
		pw   string
		want string
	}{
		{"sam", RoleAnalyst, "long enough password", "exists already"},
		{"kim", RoleAnalyst, "short", "at least 12"},
		{"kim", RoleIngest, "long enough password", "not for people"},
		{"kim", "superuser", "long enough password", "unknown role"},
		{"", RoleAnalyst, "long enough password", "name"},
	}
	for _, c := range cases {
		if err := us.Add(c.name, c.role, c.pw, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%q, %q): %v, want %q", c.name, c.role, err, c.want)
		}
	}
}

// FuzzParseUserFile: no users file makes the parser panic, and a file it
// accepts encodes to one it reads back the same.
func FuzzParseUserFile(f *testing.F) {
	dir := f.TempDir()
	us := OpenUsers(dir, cheapArgon2)
	us.Add("sam", RoleAnalyst, "three random words", false)
	us.Add("kim", RoleBoard, "three random words", false)
	real, _ := os.ReadFile(filepath.Join(dir, UsersFile))
	f.Add(real)
	f.Add([]byte(`{"version":1,"users":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		uf, err := parseUserFile(data)
		if err != nil {
			return
		}
		out, err := encodeUserFile(uf)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseUserFile(out)
		if err != nil || len(again.byName) != len(uf.byName) {
			t.Fatalf("re-read of %q: %v", out, err)
		}
	})
}

func TestUserExists(t *testing.T) {
	us := OpenUsers(t.TempDir(), Argon2Params{Memory: 8 << 10, Time: 1, Threads: 1})
	if ok, err := us.Exists("admin"); ok || err != nil {
		t.Fatalf("empty store: %v, %v", ok, err)
	}
	if err := us.Add("admin", RoleAdmin, "three random words", false); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"admin": true, "Admin": false, "sam": false} {
		if ok, err := us.Exists(name); ok != want || err != nil {
			t.Errorf("Exists(%q) = %v, %v; want %v", name, ok, err, want)
		}
	}
}
