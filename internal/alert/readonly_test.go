package alert_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
)

// A reader beside a running writer sees the committed alerts, does not
// block the writer, and cannot commit.
func TestOpenFileStoreReadOnlyBesideWriter(t *testing.T) {
	dir := t.TempDir()
	w := openStore(t, dir)
	defer w.Close()
	commit(t, w, 1, sample("a1", 1))
	commit(t, w, 2, sample("a2", 2))

	r, err := alert.OpenFileStoreReadOnly(dir)
	if err != nil {
		t.Fatalf("OpenFileStoreReadOnly: %v", err)
	}
	defer r.Close()
	got, err := r.Alerts(context.Background(), alert.Query{})
	if err != nil || len(got) != 2 {
		t.Fatalf("Alerts = %d alerts, %v; want 2", len(got), err)
	}
	if pos, _ := r.Position(context.Background()); pos != 2 {
		t.Errorf("Position = %d, want 2", pos)
	}
	if err := r.Commit(context.Background(), 3, []*alert.Alert{sample("a3", 3)}, nil); !errors.Is(err, alert.ErrClosed) {
		t.Errorf("Commit on a read-only store = %v, want ErrClosed", err)
	}
	commit(t, w, 3, sample("a3", 3)) // the writer is not blocked
}

func TestOpenFileStoreReadOnlyTails(t *testing.T) {
	tests := []struct {
		name    string
		tail    func(good []byte) []byte
		wantErr string
		want    int
	}{
		{"a frame being written", func(good []byte) []byte { return good[:len(good)-5] }, "", 1},
		{"damage with data after it", func(good []byte) []byte {
			b := append([]byte(nil), good...)
			b[12] ^= 0xff
			return append(b, good...)
		}, "corrupt: bad record at byte offset", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := t.TempDir()
			w := openStore(t, src)
			commit(t, w, 1, sample("a1", 1))
			w.Close()
			good, err := os.ReadFile(filepath.Join(src, "alerts.log"))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "alerts.log"), append(append([]byte(nil), good...), tc.tail(good)...), 0o600); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(filepath.Join(dir, "alerts.log"))
			r, err := alert.OpenFileStoreReadOnly(dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := r.Alerts(context.Background(), alert.Query{})
			if len(got) != tc.want {
				t.Errorf("%d alerts, want %d", len(got), tc.want)
			}
			after, _ := os.ReadFile(filepath.Join(dir, "alerts.log"))
			if string(before) != string(after) {
				t.Error("the read-only open changed the log")
			}
		})
	}
}

func TestOpenFileStoreReadOnlyMissing(t *testing.T) {
	_, err := alert.OpenFileStoreReadOnly(filepath.Join(t.TempDir(), "none"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}
