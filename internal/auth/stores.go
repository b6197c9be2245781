package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// TokenStore keeps API bearer tokens: the files of one data folder
// (*Tokens), or a table several nodes share (internal/pgstore). Every
// implementation passes the suite in auth/authtest.
type TokenStore interface {
	// Create makes a token with role and name (made from the role and id
	// when empty) and returns its text, shown once and never stored.
	Create(role Role, name string) (secret string, t Token, err error)
	// Revoke marks the token with that name or id revoked; it stays listed.
	Revoke(nameOrID string) (Token, error)
	// List returns every token, revoked ones too, with its last use.
	List() ([]Token, error)
	// Lookup finds the active token whose text is secret and records the
	// use. An error with ok true means the store answered from what it
	// last read; ok false refuses the token.
	Lookup(secret string) (t Token, ok bool, err error)
	// FlushUsage saves the recorded last uses, where they are not saved
	// at once.
	FlushUsage() error
}

// UserStore keeps local accounts: the file of one data folder (*Users),
// or a table several nodes share. Every implementation passes the suite
// in auth/authtest.
type UserStore interface {
	// Add creates an account, or with replace sets a new password and
	// role for an existing one.
	Add(name string, role Role, password string, replace bool) error
	// Exists reports whether an account named name is stored.
	Exists(name string) (bool, error)
	// Authenticate checks a name and password, taking the same time for
	// an unknown name, a disabled account and a wrong password.
	Authenticate(name, password string) (u User, ok bool, err error)
	// List returns every account in the order added, without hashes.
	List() ([]User, error)
	// SetPassword gives an existing account a new password.
	SetPassword(name, password string) error
}

// SessionStore keeps the sessions of logged-in people: in the memory of
// one process (*Sessions), or in a table every API node shares so that a
// login on one is valid on the others. Every implementation passes the
// suite in auth/authtest.
type SessionStore interface {
	// New opens a session and returns its id, for the cookie.
	New(user string, role Role) (string, Session, error)
	// Get returns the live session with id and marks it used; false for
	// one unknown, expired or unreadable (a store that cannot answer
	// refuses).
	Get(id string) (Session, bool)
	// Delete ends the session with id.
	Delete(id string)
	// DeleteUser ends every session of user.
	DeleteUser(user string)
	// Lifetime is how long a session lasts at most, for the cookie.
	Lifetime() time.Duration
}

var (
	_ TokenStore   = (*Tokens)(nil)
	_ UserStore    = (*Users)(nil)
	_ SessionStore = (*Sessions)(nil)
)

// Lifetime implements SessionStore: TTL.
func (s *Sessions) Lifetime() time.Duration { return s.TTL }

// NewToken makes a new token for a store's Create: its text (shown once)
// and its record, named from the role and id when name is empty. It
// checks the role and the name.
func NewToken(role Role, name string, now time.Time) (secret string, t Token, err error) {
	if _, err := ParseRole(string(role)); err != nil {
		return "", Token{}, err
	}
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	t = Token{ID: randomID(), Name: name, Role: role, SHA256: TokenHash(secret), Created: now.UTC()}
	if t.Name == "" {
		t.Name = string(role) + "-" + t.ID
	}
	if err := checkName(t.Name); err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// TokenHash is the hex SHA-256 of a token's text, what a store keeps and
// looks tokens up by.
func TokenHash(secret string) string { return tokenHash(secret) }

// ErrTokenExists, ErrNoToken and ErrTokenRevoked are the refusals of a
// token store's Create and Revoke, wrapped with the name.
var (
	ErrTokenExists  = errors.New("a token with that name exists already: choose another --name")
	ErrNoToken      = errors.New("no token with that name or id: see vigil token list")
	ErrTokenRevoked = errors.New("the token was revoked already")
)

// NewUser checks a new account's name, role and password, as a store's Add
// does, and returns it with the password hashed with p.
func NewUser(name string, role Role, password string, p Argon2Params, now time.Time) (User, error) {
	if err := checkName(name); err != nil {
		return User{}, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return User{}, err
	}
	if role == RoleIngest {
		return User{}, errors.New("role ingest is for API tokens of log shippers, not for people: create a token instead")
	}
	if err := CheckNewPassword(password); err != nil {
		return User{}, err
	}
	return User{Name: name, Role: role, Password: HashPassword(password, p), Created: now.UTC()}, nil
}

// CheckNewPassword refuses a password shorter than MinPasswordLen.
func CheckNewPassword(password string) error {
	if len([]rune(password)) < MinPasswordLen {
		return fmt.Errorf("password: at least %d characters (three random words make a good one)", MinPasswordLen)
	}
	return nil
}

// PasswordChecker checks a login's password against a stored account for
// a UserStore: an unknown name is checked against a dummy hash so that it
// takes as long as a known one, and at most maxConcurrentChecks run at
// once, as each takes the hash's memory.
type PasswordChecker struct {
	dummy string
	slots chan struct{}
}

// NewPasswordChecker returns a checker whose dummy hash has params p.
func NewPasswordChecker(p Argon2Params) *PasswordChecker {
	return &PasswordChecker{dummy: HashPassword("not a password", p), slots: make(chan struct{}, maxConcurrentChecks)}
}

// Check checks password against u (found false: no such account). ok is
// false for an unknown name, a disabled account or a wrong password
// alike; an error means the stored hash is unreadable.
func (c *PasswordChecker) Check(u User, found bool, password string) (User, bool, error) {
	hash := u.Password
	if !found {
		hash = c.dummy
	}
	c.slots <- struct{}{}
	match, err := CheckPassword(hash, password)
	<-c.slots
	if err != nil {
		return User{}, false, fmt.Errorf("user %q: %w", u.Name, err)
	}
	if !found || u.Disabled || !match {
		return User{}, false, nil
	}
	return u, true, nil
}

// NewSessionID returns a new session's id (256 random bits, for the
// cookie) and its CSRF token.
func NewSessionID() (id, csrf string) { return random256(), random256() }

// SessionKey is what a store keeps a session by: the SHA-256 of its id,
// so that the ids themselves are not kept.
func SessionKey(id string) [32]byte { return sha256.Sum256([]byte(id)) }
