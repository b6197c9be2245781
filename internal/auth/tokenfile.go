package auth

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// tokenFile is the JSON document of TokensFile.
type tokenFile struct {
	Version int     `json:"version"`
	Tokens  []Token `json:"tokens"`
	byHash  map[string]Token
}

// fileVersion is the version of the token and users files.
const fileVersion = 1

// decodeStore decodes a store file's JSON into v, refusing unknown fields
// and a version other than fileVersion; empty reports a missing or
// empty file, which is an empty store.
func decodeStore(data []byte, v any, version *int, what string) (empty bool, err error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return true, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return false, fmt.Errorf("not a %s: %w", what, err)
	}
	if *version != fileVersion {
		return false, fmt.Errorf("version %d: this Vigil reads version %d", *version, fileVersion)
	}
	return false, nil
}

// parseTokenFile reads a token file; nil or empty data is an empty store.
// An error names the token (by position) and the field at fault.
func parseTokenFile(data []byte) (tokenFile, error) {
	f := tokenFile{Version: fileVersion, byHash: map[string]Token{}}
	if empty, err := decodeStore(data, &f, &f.Version, "token file"); empty || err != nil {
		return f, err
	}
	ids := map[string]bool{}
	names := map[string]bool{}
	f.byHash = make(map[string]Token, len(f.Tokens))
	for i, t := range f.Tokens {
		if err := checkToken(t, ids, names, f.byHash); err != nil {
			return f, fmt.Errorf("tokens[%d]: %w", i, err)
		}
		ids[t.ID], names[t.Name] = true, true
		f.byHash[t.SHA256] = t
	}
	return f, nil
}

func checkToken(t Token, ids, names map[string]bool, byHash map[string]Token) error {
	if _, err := ParseRole(string(t.Role)); err != nil {
		return fmt.Errorf("field role: %w", err)
	}
	if b, err := hex.DecodeString(t.SHA256); err != nil || len(b) != 32 {
		return errors.New("field sha256: not 64 hex digits")
	}
	if err := checkName(t.Name); err != nil {
		return fmt.Errorf("field %w", err)
	}
	switch {
	case t.ID == "":
		return errors.New("field id: empty")
	case ids[t.ID]:
		return fmt.Errorf("field id: %q used twice", t.ID)
	case names[t.Name]:
		return fmt.Errorf("field name: %q used twice", t.Name)
	case byHash[t.SHA256].ID != "":
		return errors.New("field sha256: the same token twice")
	}
	return nil
}

func encodeTokenFile(f tokenFile) ([]byte, error) {
	f.Version = fileVersion
	if f.Tokens == nil {
		f.Tokens = []Token{}
	}
	out, err := json.MarshalIndent(f, "", "  ")
	return append(out, '\n'), err
}

// load reads the usage file (missing or bad: nothing recorded) merged with
// what this process recorded.
func (u *usage) load() map[string]time.Time {
	out := map[string]time.Time{}
	if data, err := os.ReadFile(u.path); err == nil {
		json.Unmarshal(data, &out)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for id, t := range u.last {
		if t.After(out[id]) {
			out[id] = t
		}
	}
	return out
}

// flush writes the recorded uses, merged with the file's, if any changed.
func (u *usage) flush() error {
	u.mu.Lock()
	if !u.dirty {
		u.mu.Unlock()
		return nil
	}
	u.dirty, u.flushed = false, time.Now()
	u.mu.Unlock()
	data, err := json.Marshal(u.load())
	if err != nil {
		return err
	}
	return writeAtomic(u.path, data)
}
