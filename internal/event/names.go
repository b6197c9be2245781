package event

import (
	"strings"
	"sync"
)

// FieldID identifies an interned field name. Rules are compiled against
// FieldIDs once, so matching an event never looks a field up by name.
// The zero FieldID is never assigned to a name.
type FieldID uint32

// names is the process-wide table of field names. Field names are
// case-insensitive (Sigma rules and JSON producers disagree on case), so the
// table is keyed by the ASCII-lower-cased name and remembers the first
// spelling it saw for display.
var names = struct {
	sync.RWMutex
	ids      map[string]FieldID
	spelling []string
}{ids: map[string]FieldID{}, spelling: []string{""}}

// MaxFields bounds the name table. Field names come from the inputs, so a
// hostile or broken file could otherwise grow the table, and with it every
// event's index, without limit. Names first seen after the table is full
// share the field Overflow: their values stay searchable by keyword, not
// by name.
const MaxFields = 1 << 15

// Overflow is the field that names beyond MaxFields share.
var Overflow = Intern("_overflow")

// Intern returns the FieldID for name, assigning one on first use.
// It is safe for concurrent use.
func Intern(name string) FieldID {
	key := foldASCII(name)
	names.RLock()
	id, ok := names.ids[key]
	names.RUnlock()
	if ok {
		return id
	}
	names.Lock()
	defer names.Unlock()
	if id, ok := names.ids[key]; ok {
		return id
	}
	if len(names.spelling) >= MaxFields {
		return names.ids["_overflow"]
	}
	id = FieldID(len(names.spelling))
	names.ids[strings.Clone(key)] = id
	names.spelling = append(names.spelling, strings.Clone(name))
	return id
}

// InternBytes is Intern for a name held in a byte slice; it does not
// allocate when the name is already known.
func InternBytes(name []byte) FieldID {
	if !hasUpperASCII(name) {
		names.RLock()
		id, ok := names.ids[string(name)]
		names.RUnlock()
		if ok {
			return id
		}
	}
	return Intern(string(name))
}

// Lookup returns the FieldID of name if it has been interned.
func Lookup(name string) (FieldID, bool) {
	names.RLock()
	id, ok := names.ids[foldASCII(name)]
	names.RUnlock()
	return id, ok
}

// String returns the display spelling of id, or "" for an unknown id.
func (id FieldID) String() string {
	names.RLock()
	defer names.RUnlock()
	if int(id) < len(names.spelling) {
		return names.spelling[id]
	}
	return ""
}

// NumFields reports how many field names have been interned; every FieldID
// is below it.
func NumFields() int {
	names.RLock()
	defer names.RUnlock()
	return len(names.spelling)
}

func foldASCII(s string) string {
	if !hasUpperASCII([]byte(s)) {
		return s
	}
	return ToLowerASCII(s)
}

func hasUpperASCII(b []byte) bool {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// ToLowerASCII lower-cases s, folding only ASCII letters for speed; it
// returns s itself (no allocation) when there is nothing to fold. Non-ASCII
// upper-case letters are folded with strings.ToLower so that matching stays
// correct for names and paths in other scripts.
func ToLowerASCII(s string) string {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			break
		}
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, len(s))
	copy(b, s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return string(b)
}
