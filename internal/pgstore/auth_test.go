package pgstore_test

import (
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/authtest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// The PostgreSQL auth stores pass the shared suite; the second handle is
// another node's connection to the same schema.
func TestAuthStores(t *testing.T) {
	two := func(t *testing.T) (*pgstore.DB, *pgstore.DB) {
		key := t.TempDir()
		return pgtest.Open(t, key, pgstore.Options{MaxConns: 2}), pgtest.Open(t, key, pgstore.Options{MaxConns: 2})
	}
	t.Run("tokens", func(t *testing.T) {
		authtest.Tokens(t, func(t *testing.T) (auth.TokenStore, auth.TokenStore) {
			a, b := two(t)
			return a.Tokens(), b.Tokens()
		})
	})
	t.Run("users", func(t *testing.T) {
		authtest.Users(t, func(t *testing.T) (auth.UserStore, auth.UserStore) {
			a, b := two(t)
			return a.Users(authtest.CheapArgon2), b.Users(authtest.CheapArgon2)
		})
	})
	t.Run("sessions", func(t *testing.T) {
		authtest.Sessions(t, func(t *testing.T, now func() time.Time) (auth.SessionStore, auth.SessionStore) {
			a, b := two(t)
			return a.Sessions(pgstore.SessionOptions{Now: now}), b.Sessions(pgstore.SessionOptions{Now: now})
		})
	})
	t.Run("login limit", func(t *testing.T) {
		authtest.LoginLimits(t, func(t *testing.T, now func() time.Time) (auth.LoginLimit, auth.LoginLimit) {
			a, b := two(t)
			return a.LoginLimits(pgstore.LoginLimitOptions{Now: now}), b.LoginLimits(pgstore.LoginLimitOptions{Now: now})
		})
	})
}
