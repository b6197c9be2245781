package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTokenCreateLookupRevoke(t *testing.T) {
	dir := t.TempDir()
	cli, service := OpenTokens(dir), OpenTokens(dir) // two processes' views of one folder
	if _, ok, err := service.Lookup("vigil_nothing"); ok || err != nil {
		t.Fatalf("lookup in an empty store: %v, %v", ok, err)
	}
	secret, tok, err := cli.Create(RoleBoard, "board-pack")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) != len(tokenPrefix)+43 {
		t.Errorf("token %q: want %s and 256 bits in base64url", secret, tokenPrefix)
	}
	data, _ := os.ReadFile(filepath.Join(dir, TokensFile))
	if strings.Contains(string(data), secret[len(tokenPrefix):]) {
		t.Fatal("the token file holds the token itself")
	}
	got, ok, err := service.Lookup(secret)
	if !ok || err != nil || got.Role != RoleBoard || got.Name != "board-pack" || got.ID != tok.ID {
		t.Fatalf("lookup after create: %+v, %v, %v", got, ok, err)
	}
	if _, ok, _ := service.Lookup(secret + "x"); ok {
		t.Error("a different token was accepted")
	}
	if _, err := cli.Revoke(tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := service.Lookup(secret); ok {
		t.Error("a revoked token was accepted")
	}
	if _, err := cli.Revoke("board-pack"); err == nil || !strings.Contains(err.Error(), "revoked already") {
		t.Errorf("second revoke: %v", err)
	}
	if _, err := cli.Revoke("nobody"); err == nil || !strings.Contains(err.Error(), "vigil token list") {
		t.Errorf("revoke of an unknown token: %v", err)
	}
}

func TestTokenCreateRefuses(t *testing.T) {
	ts := OpenTokens(t.TempDir())
	if _, _, err := ts.Create(RoleAnalyst, "soc"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		role Role
		name string
		want string
	}{
		{RoleAnalyst, "soc", "exists already"},
		{"root", "x", "unknown role"},
		{RoleAnalyst, " padded", "no space"},
		{RoleAnalyst, "tab\there", "control characters"},
		{RoleAnalyst, strings.Repeat("n", 65), "1 to 64"},
	}
	for _, c := range cases {
		if _, _, err := ts.Create(c.role, c.name); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Create(%q, %q): %v, want %q", c.role, c.name, err, c.want)
		}
	}
}

func TestTokenListShowsLastUse(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	service := OpenTokens(dir)
	service.now = c.Now
	secret, _, err := OpenTokens(dir).Create(RoleIngest, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := service.Lookup(secret); !ok {
		t.Fatal("token refused")
	}
	if err := service.FlushUsage(); err != nil {
		t.Fatal(err)
	}
	list, err := OpenTokens(dir).List() // as vigil token list reads it
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v, %v", list, err)
	}
	if !list[0].LastUsed.Equal(c.Now()) || !strings.HasPrefix(list[0].Name, "ingest-") {
		t.Errorf("listed %+v, want last use %v and a name made from the role", list[0], c.Now())
	}
}

func TestTokenStoreKeepsLastGoodFile(t *testing.T) {
	dir := t.TempDir()
	ts := OpenTokens(dir)
	secret, _, err := ts.Create(RoleAnalyst, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := ts.Lookup(secret); !ok {
		t.Fatal("token refused")
	}
	// A hand edit that breaks the file must not lock everyone out.
	if err := writeAtomic(filepath.Join(dir, TokensFile), []byte("{broken")); err != nil {
		t.Fatal(err)
	}
	_, ok, err := ts.Lookup(secret)
	if !ok || err == nil || !strings.Contains(err.Error(), TokensFile) {
		t.Errorf("after a broken edit: ok %v, err %v; want the old token accepted and the error naming the file", ok, err)
	}
}

func TestParseTokenFile(t *testing.T) {
	const h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tok := func(id, name, role, hash string) string {
		return `{"id":"` + id + `","name":"` + name + `","role":"` + role + `","sha256":"` + hash + `","created":"2024-06-03T09:00:00Z"}`
	}
	cases := []struct {
		name, data, want string
	}{
		{"empty", "", ""},
		{"one", `{"version":1,"tokens":[` + tok("a", "n", "analyst", h) + `]}`, ""},
		{"version", `{"version":2,"tokens":[]}`, "version 2"},
		{"role", `{"version":1,"tokens":[` + tok("a", "n", "root", h) + `]}`, "tokens[0]: field role"},
		{"hash", `{"version":1,"tokens":[` + tok("a", "n", "analyst", "abc") + `]}`, "tokens[0]: field sha256"},
		{"dup id", `{"version":1,"tokens":[` + tok("a", "n", "analyst", h) + "," + tok("a", "m", "analyst", strings.Replace(h, "0", "1", 1)) + `]}`, "tokens[1]: field id"},
		{"dup name", `{"version":1,"tokens":[` + tok("a", "n", "analyst", h) + "," + tok("b", "n", "analyst", strings.Replace(h, "0", "1", 1)) + `]}`, "tokens[1]: field name"},
		{"dup hash", `{"version":1,"tokens":[` + tok("a", "n", "analyst", h) + "," + tok("b", "m", "analyst", h) + `]}`, "tokens[1]: field sha256"},
		{"unknown field", `{"version":1,"tokens":[],"x":1}`, "unknown field"},
		{"not json", `tokens`, "not a token file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseTokenFile([]byte(c.data))
			if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
				t.Errorf("parse: %v, want %q", err, c.want)
			}
		})
	}
}

// FuzzParseTokenFile: no file makes the parser panic, and a file it
// accepts encodes to one it reads back the same.
func FuzzParseTokenFile(f *testing.F) {
	dir := f.TempDir()
	ts := OpenTokens(dir)
	ts.Create(RoleAnalyst, "soc")
	ts.Create(RoleIngest, "")
	real, _ := os.ReadFile(filepath.Join(dir, TokensFile))
	f.Add(real)
	f.Add([]byte(`{"version":1,"tokens":[]}`))
	f.Add([]byte(`{"version":1,"tokens":[{"id":"","role":"board"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tf, err := parseTokenFile(data)
		if err != nil {
			return
		}
		out, err := encodeTokenFile(tf)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseTokenFile(out)
		if err != nil || len(again.Tokens) != len(tf.Tokens) || len(again.byHash) != len(tf.byHash) {
			t.Fatalf("re-read of %q: %v", out, err)
		}
	})
}
