package auth_test

import (
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/auth/authtest"
)

// The data folder's stores pass the shared suite; a second handle is the
// command line's, on the same folder.
func TestFileStores(t *testing.T) {
	t.Run("tokens", func(t *testing.T) {
		authtest.Tokens(t, func(t *testing.T) (auth.TokenStore, auth.TokenStore) {
			dir := t.TempDir()
			return auth.OpenTokens(dir), auth.OpenTokens(dir)
		})
	})
	t.Run("users", func(t *testing.T) {
		authtest.Users(t, func(t *testing.T) (auth.UserStore, auth.UserStore) {
			dir := t.TempDir()
			return auth.OpenUsers(dir, authtest.CheapArgon2), auth.OpenUsers(dir, authtest.CheapArgon2)
		})
	})
	t.Run("sessions", func(t *testing.T) {
		// Sessions live in one process's memory: the second handle is the
		// same store.
		authtest.Sessions(t, func(t *testing.T, now func() time.Time) (auth.SessionStore, auth.SessionStore) {
			s := auth.NewSessions()
			s.Now = now
			return s, s
		})
	})
	t.Run("login limit", func(t *testing.T) {
		// In one process's memory: the second handle is the same limiter.
		authtest.LoginLimits(t, func(t *testing.T, now func() time.Time) (auth.LoginLimit, auth.LoginLimit) {
			l := auth.NewLoginLimiter()
			l.Now = now
			return l, l
		})
	})
}
