package audit

import (
	"bytes"
	"fmt"
	"os"
)

// MinKeyBytes is the shortest HMAC key ReadKeyFile accepts.
const MinKeyBytes = 32

// ReadKeyFile reads an HMAC key: the file's bytes with surrounding white
// space removed, at least MinKeyBytes of them (such as 64 hex digits from
// "openssl rand -hex 32").
func ReadKeyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	key := bytes.TrimSpace(data)
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("audit key %s: %d bytes, need at least %d (for example 64 hex digits)", path, len(key), MinKeyBytes)
	}
	return key, nil
}
