package auth

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkAuthenticateToken measures a stored bearer token's check: a
// stat of the token file (to see a new or revoked token at once) and a
// map lookup by hash.
func BenchmarkAuthenticateToken(b *testing.B) {
	dir := b.TempDir()
	ts := OpenTokens(dir)
	for range 100 {
		ts.Create(RoleAnalyst, "")
	}
	secret, _, _ := ts.Create(RoleBoard, "b")
	a := &Authenticator{Tokens: ts}
	r := httptest.NewRequest("GET", "/api/v1/stats", nil)
	r.Header.Set("Authorization", "Bearer "+secret)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckPassword measures one login's argon2id check with the
// default parameters.
func BenchmarkCheckPassword(b *testing.B) {
	h := HashPassword("three random words", DefaultArgon2)
	for b.Loop() {
		CheckPassword(h, "three random words")
	}
}
