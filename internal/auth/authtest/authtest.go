// Package authtest is the shared test suite of auth's stores: every
// TokenStore, UserStore and SessionStore (the data folder's files and
// memory, and PostgreSQL's tables) must pass it, so that a deployment
// behaves the same whichever keeps its tokens, accounts and sessions.
package authtest

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
)

// CheapArgon2 makes the suite's password hashes fast; a store under test
// should hash with it.
var CheapArgon2 = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// Clock is a settable clock for session stores.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at a fixed time.
func NewClock() *Clock { return &Clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func errContains(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %v, want one saying %q", what, err, want)
	}
}

// Tokens runs the token store suite; open returns a new, empty store each
// call, and open2 (when not nil) a second handle on the same store, as
// another node or the command line holds.
func Tokens(t *testing.T, open func(t *testing.T) (auth.TokenStore, auth.TokenStore)) {
	t.Run("create and look up", func(t *testing.T) {
		s, other := open(t)
		secret, tok, err := s.Create(auth.RoleIngest, "syslog-relay")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "vigil_") || tok.SHA256 != auth.TokenHash(secret) || tok.Name != "syslog-relay" {
			t.Fatalf("created %+v with text %q", tok, secret)
		}
		got, ok, err := other.Lookup(secret)
		if err != nil || !ok || got.ID != tok.ID || got.Role != auth.RoleIngest {
			t.Fatalf("lookup on the other handle: %+v, %v, %v", got, ok, err)
		}
		if _, ok, _ := other.Lookup(secret + "x"); ok {
			t.Error("a wrong token text was found")
		}
	})
	t.Run("names", func(t *testing.T) {
		s, _ := open(t)
		_, tok, err := s.Create(auth.RoleBoard, "")
		if err != nil || tok.Name != "board-"+tok.ID {
			t.Fatalf("unnamed token: %+v, %v", tok, err)
		}
		cases := []struct {
			role auth.Role
			name string
			want string
		}{
			{auth.RoleBoard, tok.Name, "exists already"},
			{"root", "x", "root"},
			{auth.RoleAnalyst, " padded", "no space"},
		}
		for _, c := range cases {
			_, _, err := s.Create(c.role, c.name)
			errContains(t, "create "+c.name, err, c.want)
		}
		_, _, err = s.Create(auth.RoleBoard, tok.Name)
		if !errors.Is(err, auth.ErrTokenExists) {
			t.Errorf("a second token named %q: %v, want ErrTokenExists", tok.Name, err)
		}
	})
	t.Run("revoke", func(t *testing.T) {
		s, other := open(t)
		secret, tok, _ := s.Create(auth.RoleAnalyst, "soc")
		secret2, tok2, _ := s.Create(auth.RoleAnalyst, "soc-2")
		if _, err := other.Revoke("soc"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Revoke(tok2.ID); err != nil {
			t.Fatalf("revoke by id: %v", err)
		}
		for _, sec := range []string{secret, secret2} {
			if _, ok, _ := s.Lookup(sec); ok {
				t.Error("a revoked token was found")
			}
		}
		if _, err := s.Revoke("soc"); !errors.Is(err, auth.ErrTokenRevoked) {
			t.Errorf("revoke twice: %v, want ErrTokenRevoked", err)
		}
		if _, err := s.Revoke("nobody"); !errors.Is(err, auth.ErrNoToken) {
			t.Errorf("revoke an unknown token: %v, want ErrNoToken", err)
		}
		list, err := s.List()
		if err != nil || len(list) != 2 || list[0].ID != tok.ID || list[0].Active() || list[1].Active() {
			t.Fatalf("list after revoking: %+v, %v", list, err)
		}
	})
	t.Run("last use", func(t *testing.T) {
		s, _ := open(t)
		secret, _, _ := s.Create(auth.RoleIngest, "shipper")
		s.Create(auth.RoleIngest, "unused")
		if _, ok, err := s.Lookup(secret); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if err := s.FlushUsage(); err != nil {
			t.Fatal(err)
		}
		list, err := s.List()
		if err != nil || len(list) != 2 || list[0].LastUsed.IsZero() || !list[1].LastUsed.IsZero() {
			t.Fatalf("list after one use: %+v, %v", list, err)
		}
	})
}

// Users runs the account store suite; open returns a new, empty store
// hashing with CheapArgon2, and a second handle on it.
func Users(t *testing.T, open func(t *testing.T) (auth.UserStore, auth.UserStore)) {
	t.Run("add and authenticate", func(t *testing.T) {
		s, other := open(t)
		if err := s.Add("sam", auth.RoleAnalyst, "three random words", false); err != nil {
			t.Fatal(err)
		}
		u, ok, err := other.Authenticate("sam", "three random words")
		if err != nil || !ok || u.Role != auth.RoleAnalyst || u.Name != "sam" {
			t.Fatalf("authenticate on the other handle: %+v, %v, %v", u, ok, err)
		}
		for _, c := range [][2]string{{"sam", "wrong password!"}, {"nobody", "three random words"}} {
			if _, ok, err := s.Authenticate(c[0], c[1]); ok || err != nil {
				t.Errorf("authenticate %q with a wrong password: %v, %v", c[0], ok, err)
			}
		}
		if ok, err := other.Exists("sam"); !ok || err != nil {
			t.Errorf("Exists(sam) = %v, %v", ok, err)
		}
		if ok, err := other.Exists("nobody"); ok || err != nil {
			t.Errorf("Exists(nobody) = %v, %v", ok, err)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		s, _ := open(t)
		s.Add("sam", auth.RoleAnalyst, "three random words", false)
		cases := []struct {
			name     string
			role     auth.Role
			password string
			want     string
		}{
			{"sam", auth.RoleAnalyst, "long enough password", "exists already"},
			{"kim", auth.RoleAnalyst, "short", "at least"},
			{"kim", auth.RoleIngest, "long enough password", "tokens"},
			{"kim", "root", "long enough password", "root"},
			{"", auth.RoleBoard, "long enough password", "name"},
		}
		for _, c := range cases {
			errContains(t, "add "+c.name, s.Add(c.name, c.role, c.password, false), c.want)
		}
		if err := s.SetPassword("nobody", "long enough password"); err == nil {
			t.Error("a password was set for an unknown account")
		}
	})
	t.Run("replace, set password and list", func(t *testing.T) {
		s, other := open(t)
		s.Add("sam", auth.RoleAnalyst, "three random words", false)
		s.Add("ada", auth.RoleBoard, "three random words", false)
		if err := other.Add("sam", auth.RoleBoard, "four random words now", true); err != nil {
			t.Fatal(err)
		}
		if err := other.SetPassword("ada", "another long password"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Authenticate("ada", "three random words"); ok {
			t.Error("the old password still works")
		}
		if u, ok, _ := s.Authenticate("sam", "four random words now"); !ok || u.Role != auth.RoleBoard {
			t.Errorf("replaced account: %+v, %v", u, ok)
		}
		list, err := s.List()
		if err != nil || len(list) != 2 || list[0].Name != "sam" || list[1].Name != "ada" || list[0].Password != "" || list[0].Role != auth.RoleBoard {
			t.Fatalf("list: %+v, %v", list, err)
		}
	})
}

// Sessions runs the session store suite; open returns a new, empty store
// with the default lifetimes and the clock now, and a second handle on
// it, as another API node holds.
func Sessions(t *testing.T, open func(t *testing.T, now func() time.Time) (auth.SessionStore, auth.SessionStore)) {
	t.Run("new, get, delete", func(t *testing.T) {
		s, other := open(t, time.Now)
		id, sess, err := s.New("sam", auth.RoleAnalyst)
		if err != nil || sess.CSRF == "" || sess.User != "sam" {
			t.Fatalf("new: %+v, %v", sess, err)
		}
		got, ok := other.Get(id)
		if !ok || got.User != "sam" || got.Role != auth.RoleAnalyst || got.CSRF != sess.CSRF {
			t.Fatalf("get on the other handle: %+v, %v", got, ok)
		}
		if _, ok := other.Get(id + "x"); ok {
			t.Error("a wrong id was found")
		}
		other.Delete(id)
		if _, ok := s.Get(id); ok {
			t.Error("a deleted session was found")
		}
		if s.Lifetime() != auth.DefaultSessionTTL {
			t.Errorf("Lifetime = %v, want %v", s.Lifetime(), auth.DefaultSessionTTL)
		}
	})
	t.Run("delete user", func(t *testing.T) {
		s, other := open(t, time.Now)
		a, _, _ := s.New("sam", auth.RoleAnalyst)
		b, _, _ := s.New("sam", auth.RoleAnalyst)
		c, _, _ := s.New("ada", auth.RoleBoard)
		other.DeleteUser("sam")
		for _, id := range []string{a, b} {
			if _, ok := s.Get(id); ok {
				t.Error("a session of a deleted user was found")
			}
		}
		if _, ok := s.Get(c); !ok {
			t.Error("another user's session ended")
		}
	})
	t.Run("expiry", func(t *testing.T) {
		clk := NewClock()
		s, other := open(t, clk.Now)
		id, _, _ := s.New("sam", auth.RoleAnalyst)
		steps := []struct {
			after time.Duration
			live  bool
		}{
			{auth.DefaultSessionIdle - time.Minute, true}, // used in time
			{auth.DefaultSessionIdle - time.Minute, true}, // idle counts from the last use
			{auth.DefaultSessionIdle, false},              // idle too long
		}
		for i, st := range steps {
			clk.Add(st.after)
			if _, ok := other.Get(id); ok != st.live {
				t.Fatalf("step %d: live %v, want %v", i, ok, st.live)
			}
		}
		id, _, _ = s.New("sam", auth.RoleAnalyst)
		for range int(auth.DefaultSessionTTL / (auth.DefaultSessionIdle / 2)) {
			clk.Add(auth.DefaultSessionIdle / 2)
			other.Get(id)
		}
		if _, ok := s.Get(id); ok {
			t.Error("a session used all along outlived its lifetime")
		}
	})
}
