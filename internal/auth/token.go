package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// TokensFile is the token store's file in the data folder.
const TokensFile = "tokens.json"

// tokenPrefix starts every stored token, so that secret scanners and
// people can tell a Vigil token when they see one.
const tokenPrefix = "vigil_"

// Token is one API bearer token as stored: never the token itself, only
// its SHA-256 (a 256-bit random token needs no slow hash: it cannot be
// guessed from its hash).
type Token struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	SHA256  string    `json:"sha256"` // hex SHA-256 of the token text
	Created time.Time `json:"created"`
	Revoked time.Time `json:"revoked,omitzero"`
	// LastUsed is not in the file the CLI writes: the service records it
	// in memory and in UsageFile.
	LastUsed time.Time `json:"-"`
}

// Active reports whether the token may be used.
func (t Token) Active() bool { return t.Revoked.IsZero() }

// Tokens is the token store in one data folder. The service reads it with
// Lookup; the command line changes it with Create and Revoke while the
// service runs.
type Tokens struct {
	path  string
	file  watched[tokenFile]
	usage *usage
	now   func() time.Time
}

// OpenTokens returns the store of the data folder dir; the file is made
// by the first Create.
func OpenTokens(dir string) *Tokens {
	path := filepath.Join(dir, TokensFile)
	return &Tokens{
		path:  path,
		file:  watched[tokenFile]{path: path, parse: parseTokenFile},
		usage: newUsage(filepath.Join(dir, UsageFile)),
		now:   time.Now,
	}
}

// Create makes a new token with role and name (a name made from the role
// and id when empty), stores its hash, and returns the token text, which
// is shown once and never stored.
func (ts *Tokens) Create(role Role, name string) (secret string, t Token, err error) {
	secret, t, err = NewToken(role, name, ts.now())
	if err != nil {
		return "", Token{}, err
	}
	err = update(ts.path, parseTokenFile, encodeTokenFile, func(f *tokenFile) error {
		for _, o := range f.Tokens {
			if o.Name == t.Name {
				return fmt.Errorf("token %q (id %s): %w", t.Name, o.ID, ErrTokenExists)
			}
		}
		f.Tokens = append(f.Tokens, t)
		return nil
	})
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	return secret, t, nil
}

// Revoke marks the token with that name or id revoked; it stays listed.
func (ts *Tokens) Revoke(nameOrID string) (Token, error) {
	var done Token
	err := update(ts.path, parseTokenFile, encodeTokenFile, func(f *tokenFile) error {
		for i := range f.Tokens {
			t := &f.Tokens[i]
			if t.Name != nameOrID && t.ID != nameOrID {
				continue
			}
			if !t.Active() {
				return fmt.Errorf("token %s (%s), at %s: %w", t.Name, t.ID, t.Revoked.Format(time.RFC3339), ErrTokenRevoked)
			}
			t.Revoked = ts.now().UTC()
			done = *t
			return nil
		}
		return fmt.Errorf("%q: %w", nameOrID, ErrNoToken)
	})
	if err != nil {
		return Token{}, fmt.Errorf("revoke token: %w", err)
	}
	return done, nil
}

// List returns every token, revoked ones too, with when each was last
// used as far as the service has recorded it.
func (ts *Tokens) List() ([]Token, error) {
	f, err := ts.file.current()
	if err != nil {
		return nil, err
	}
	used := ts.usage.load()
	out := make([]Token, len(f.Tokens))
	for i, t := range f.Tokens {
		t.LastUsed = used[t.ID]
		out[i] = t
	}
	return out, nil
}

// Lookup finds the active token whose text is secret, re-reading the file
// if it changed, and records the use. The map is keyed by the token's
// hash, so the lookup's timing tells nothing about valid tokens' text. A
// file that became unreadable keeps its last good contents and the error
// is returned with them for the caller to log.
func (ts *Tokens) Lookup(secret string) (Token, bool, error) {
	f, err := ts.file.current()
	t, ok := f.byHash[tokenHash(secret)]
	if !ok || !t.Active() {
		return Token{}, false, err
	}
	ts.usage.touch(t.ID, ts.now())
	return t, true, err
}

// FlushUsage writes the recorded last uses to UsageFile if any changed.
func (ts *Tokens) FlushUsage() error { return ts.usage.flush() }

func tokenHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func randomID() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// checkName accepts names a person can type and a table can show.
func checkName(name string) error {
	if name == "" || len(name) > 64 || strings.TrimSpace(name) != name {
		return fmt.Errorf("name %q: use 1 to 64 characters, with no space at either end", name)
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f {
			return errors.New("name: control characters are not allowed")
		}
	}
	return nil
}

// usage records when each token was last used, in memory, written to a
// file at most once a minute so that vigil token list can show it.
type usage struct {
	path    string
	mu      sync.Mutex
	last    map[string]time.Time
	dirty   bool
	flushed time.Time
}

// UsageFile holds the tokens' last uses, written by the service.
const UsageFile = "token-usage.json"

func newUsage(path string) *usage { return &usage{path: path, last: map[string]time.Time{}} }

func (u *usage) touch(id string, now time.Time) {
	u.mu.Lock()
	if u.last[id].Before(now.Add(-time.Second)) {
		u.last[id], u.dirty = now.UTC().Truncate(time.Second), true
	}
	due := u.dirty && now.Sub(u.flushed) > time.Minute
	u.mu.Unlock()
	if due {
		u.flush() // best effort: last use is informational
	}
}
