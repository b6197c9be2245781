package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Entry is one audited action. The caller fills the fields from Time to
// RequestID; Append sets Seq, MAC, Prev and Hash.
type Entry struct {
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`       // when, UTC
	Who       string    `json:"who"`        // account or token name
	Role      string    `json:"role"`       // the role it acted in
	Action    string    `json:"action"`     // what it did, such as "GET /api/v1/alerts" or "login"
	Object    string    `json:"object"`     // what it acted on, such as a path with its query
	Outcome   string    `json:"outcome"`    // granted, denied, failed, ...
	Remote    string    `json:"remote"`     // the client's address
	RequestID string    `json:"request_id"` // the request's id, also sent as X-Request-Id
	// MAC is "hmac-sha256" when Hash is keyed, else empty. It is inside
	// the hashed bytes, so that a keyed entry cannot pass as an unkeyed one.
	MAC  string `json:"mac,omitempty"`
	Prev string `json:"prev"`           // Hash of the entry before; "" for the first
	Hash string `json:"hash,omitempty"` // over the encoding of the entry without Hash
}

// macHMAC is Entry.MAC of keyed entries.
const macHMAC = "hmac-sha256"

// MaxLineBytes bounds one encoded entry; Append shortens Object to stay
// under it, and Verify refuses longer lines.
const MaxLineBytes = 64 << 10

// maxObject bounds Entry.Object before encoding.
const maxObject = 4 << 10

// sealer computes entry hashes: SHA-256, or HMAC-SHA256 with key.
type sealer struct{ key []byte }

// sum returns the hex hash of body.
func (s sealer) sum(body []byte) string {
	if s.key == nil {
		h := sha256.Sum256(body)
		return hex.EncodeToString(h[:])
	}
	m := hmac.New(sha256.New, s.key)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// encode returns the canonical line of e (with its hash and a newline)
// after setting e.Hash. e.Hash must be empty.
func (s sealer) encode(e *Entry) ([]byte, error) {
	e.Hash = ""
	body, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("audit: encode entry %d: %w", e.Seq, err)
	}
	e.Hash = s.sum(body)
	// The line is the body with the hash added as its last member; that
	// is what json.Marshal of e now gives, without encoding twice.
	line := make([]byte, 0, len(body)+len(`,"hash":""`)+len(e.Hash)+1)
	line = append(line, body[:len(body)-1]...)
	line = append(line, `,"hash":"`...)
	line = append(line, e.Hash...)
	line = append(line, "\"}\n"...)
	return line, nil
}

// decodeLine reads one line (without its newline) into an Entry and checks
// that it is in canonical form, so that no byte of it can change without
// Verify noticing. It does not check the hash.
func decodeLine(line []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, fmt.Errorf("unparsable line: %w", err)
	}
	if dec.More() {
		return e, fmt.Errorf("unparsable line: text after the entry")
	}
	again, err := json.Marshal(&e)
	if err != nil {
		return e, fmt.Errorf("unparsable line: %w", err)
	}
	if !bytes.Equal(again, line) {
		return e, fmt.Errorf("not in canonical form (the line was edited)")
	}
	return e, nil
}

// check verifies the hash of e, decoded from the canonical line (without
// its newline); it does not check the chain.
func (s sealer) check(e Entry, line []byte) error {
	keyed := s.key != nil
	switch {
	case e.MAC == "" && keyed:
		return fmt.Errorf("not keyed, though a key was given (written without audit.key_file, or downgraded)")
	case e.MAC == macHMAC && !keyed:
		return fmt.Errorf("keyed with HMAC: verify with the key file (--key-file)")
	case e.MAC != "" && e.MAC != macHMAC:
		return fmt.Errorf("unknown mac %q", e.MAC)
	}
	// The canonical line is the hashed body with the hash member added
	// last (see encode): take that member off again.
	suffix := len(`,"hash":""}`) + len(e.Hash)
	if e.Hash == "" || len(line) < suffix {
		return fmt.Errorf("no hash")
	}
	body := append(line[:len(line)-suffix:len(line)-suffix], '}')
	if !hmac.Equal([]byte(s.sum(body)), []byte(e.Hash)) {
		return fmt.Errorf("hash mismatch (the entry was changed)")
	}
	return nil
}
