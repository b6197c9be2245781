package serve

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// tokenFile is where a generated admin token is kept, in the data folder.
const tokenFile = "admin-token"

// adminToken returns the configured token, or the one stored in dir, or a
// new random one that it stores there (mode 0600) on first start. path is
// where the token lives ("" when it came from the configuration).
func adminToken(configured, dir string) (token, path string, err error) {
	if configured != "" {
		return configured, "", nil
	}
	path = filepath.Join(dir, tokenFile)
	data, err := os.ReadFile(path)
	if err == nil {
		if t := strings.TrimSpace(string(data)); t != "" {
			return t, path, nil
		}
		return "", path, fmt.Errorf("admin token file %s is empty: delete it to make a new token", path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", path, fmt.Errorf("admin token: %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", path, fmt.Errorf("admin token: %w", err)
	}
	token = hex.EncodeToString(b[:])
	if err := writeFileSync(path, []byte(token+"\n"), 0o600); err != nil {
		return "", path, fmt.Errorf("admin token: %w", err)
	}
	return token, path, nil
}

// writeFileSync writes a new file and fsyncs it, so that a token that was
// printed is not lost to a crash.
func writeFileSync(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// bearer checks requests for the admin bearer token.
type bearer struct{ token []byte }

// Authorize accepts a request that carries "Authorization: Bearer TOKEN".
func (b bearer) Authorize(r *http.Request) error {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return errors.New("missing bearer token: send Authorization: Bearer TOKEN")
	}
	if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), b.token) != 1 {
		return errors.New("invalid bearer token")
	}
	return nil
}
