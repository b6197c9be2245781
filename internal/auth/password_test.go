package auth

import (
	"strings"
	"testing"
)

func TestPasswordDefaultParameters(t *testing.T) {
	h := HashPassword("correct horse battery staple", DefaultArgon2)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Errorf("hash %q does not carry RFC 9106's second recommended parameters", h)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{"correct horse battery staple", true}, {"correct horse battery stapl", false}, {"", false}} {
		ok, err := CheckPassword(h, c.pw)
		if err != nil || ok != c.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", c.pw, ok, err, c.want)
		}
	}
	if HashPassword("x", cheapArgon2) == HashPassword("x", cheapArgon2) {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestCheckPasswordRefusesMalformedHashes(t *testing.T) {
	good := HashPassword("pw", cheapArgon2)
	parts := strings.Split(good, "$")
	cases := map[string]string{
		"empty":         "",
		"bcrypt":        "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":       strings.Replace(good, "argon2id", "argon2i", 1),
		"version":       strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":   strings.Replace(good, "m=64,", "m=99999999,", 1),
		"zero time":     strings.Replace(good, "t=1,", "t=0,", 1),
		"bad salt":      strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"),
		"short tag":     strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
		"missing field": strings.Join(parts[:5], "$"),
	}
	for name, h := range cases {
		if ok, err := CheckPassword(h, "pw"); err == nil || ok {
			t.Errorf("%s: CheckPassword(%q) = %v, %v; want an error", name, h, ok, err)
		}
	}
}

// FuzzParsePHC: no hash string makes the parser panic, and what it
// accepts stays within the bounds a login can afford.
func FuzzParsePHC(f *testing.F) {
	f.Add(HashPassword("pw", cheapArgon2))
	f.Add(HashPassword("pw", DefaultArgon2))
	f.Add("$argon2id$v=19$m=1048577,t=1,p=1$c2FsdHNhbHQ$dGFndGFndGFndGFndGFn")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, tag, err := parsePHC(s)
		if err != nil {
			return
		}
		if p.Memory > maxArgon2Memory || p.Time > 100 || p.Threads == 0 || len(salt) < 8 || len(tag) < 16 || len(tag) > 64 {
			t.Fatalf("accepted %q as %+v salt %d tag %d", s, p, len(salt), len(tag))
		}
	})
}
