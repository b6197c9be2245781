package targetstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/notify/targetstore"
	"github.com/vigilhealth/vigil/internal/notify/targetstore/storetest"
)

func openFile(t *testing.T, dir string) targetstore.Store {
	t.Helper()
	s, err := targetstore.OpenFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFileStore(t *testing.T) {
	storetest.Run(t, openFile)
}

// TestFileIsPrivate: the file holds Teams and Slack secrets, so only the
// service's user may read it.
func TestFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir)
	if _, err := s.Add(context.Background(), storetest.Webhook(t, "SOC hook")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, targetstore.Dir, targetstore.FileName)
	for _, p := range []string{path, filepath.Dir(path)} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group or others", p, perm)
		}
	}
}

func TestFileRefusesABadFile(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"not JSON", "{", "not the JSON"},
		{"unknown field", `{"generation":1,"targets":[],"extra":1}`, "unknown field"},
		{"bad target", `{"generation":1,"targets":[{"id":"nt-a","name":"x","kind":"webhook","url":"ftp://x","min_level":"high"}]}`, "targets[0]: field url"},
		{"twice", `{"generation":2,"targets":[{"id":"nt-a","name":"x","kind":"syslog","network":"udp","addr":"h:514","min_level":"high"},{"id":"nt-a","name":"y","kind":"syslog","network":"udp","addr":"h:514","min_level":"high"}]}`, "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, targetstore.Dir, targetstore.FileName)
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := targetstore.OpenFile(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("OpenFile: %v, want an error naming %s and saying %q", err, path, tt.want)
			}
		})
	}
}
