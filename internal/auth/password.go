package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are argon2id's cost parameters.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8  // lanes
}

// DefaultArgon2 is RFC 9106's second recommended option (section 4): 64
// MiB, 3 passes, 4 lanes, with a 16-byte salt and a 32-byte tag.
// BenchmarkCheckPassword measures one check.
var DefaultArgon2 = Argon2Params{Memory: 64 << 10, Time: 3, Threads: 4}

const (
	saltBytes = 16
	tagBytes  = 32
	// maxArgon2Memory bounds what a stored hash may ask for (1 GiB), so
	// that an edited users file cannot make one login take all memory.
	maxArgon2Memory = 1 << 20
)

var b64 = base64.RawStdEncoding

// HashPassword returns password's argon2id hash in the PHC string format
// ($argon2id$v=19$m=65536,t=3,p=4$SALT$TAG) with a fresh random salt.
func HashPassword(password string, p Argon2Params) string {
	salt := make([]byte, saltBytes)
	rand.Read(salt)
	tag := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, tagBytes)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(tag))
}

// CheckPassword reports whether password matches the PHC-format hash,
// comparing in constant time; an error means the hash is malformed.
func CheckPassword(hash, password string) (bool, error) {
	p, salt, tag, err := parsePHC(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(tag)))
	return subtle.ConstantTimeCompare(got, tag) == 1, nil
}

// parsePHC reads $argon2id$v=19$m=M,t=T,p=P$SALT$TAG.
func parsePHC(hash string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("password hash: not an argon2id PHC string")
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, fmt.Errorf("password hash: version %q, want v=%d", parts[2], argon2.Version)
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q: %w", parts[3], err)
	}
	if p.Memory < 8 || p.Memory > maxArgon2Memory || p.Time < 1 || p.Time > 100 || threads < 1 || threads > 64 {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q out of range", parts[3])
	}
	p.Threads = uint8(threads)
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errors.New("password hash: bad salt")
	}
	tag, err := b64.DecodeString(parts[5])
	if err != nil || len(tag) < 16 || len(tag) > 64 {
		return p, nil, nil, errors.New("password hash: bad tag")
	}
	return p, salt, tag, nil
}
