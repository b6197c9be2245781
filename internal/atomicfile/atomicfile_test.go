package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordSyncs replaces syncDir for the test with one that records the
// folders it is asked to sync and returns fail.
func recordSyncs(t *testing.T, fail error) *[]string {
	t.Helper()
	var synced []string
	syncDir = func(dir string) error {
		synced = append(synced, dir)
		return fail
	}
	t.Cleanup(func() { syncDir = SyncDir })
	return &synced
}

// names lists the entries of dir, so a test can see that no temporary
// file was left behind.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteReplacesAndSyncsTheFolder(t *testing.T) {
	tests := []struct {
		name string
		old  string // "" for no file before
		data string
		perm os.FileMode
	}{
		{"new file", "", "first\n", 0o600},
		{"replaces", "old content, longer than the new\n", "new\n", 0o600},
		{"readable by others", "", "report", 0o644},
		{"empty", "something", "", 0o640},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synced := recordSyncs(t, nil)
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			if tc.old != "" {
				if err := os.WriteFile(path, []byte(tc.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(path, []byte(tc.data), tc.perm); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != tc.data {
				t.Fatalf("content %q, %v; want %q", got, err, tc.data)
			}
			info, err := os.Stat(path)
			if err != nil || info.Mode().Perm() != tc.perm {
				t.Fatalf("mode %v, %v; want %v", info.Mode().Perm(), err, tc.perm)
			}
			if n := names(t, dir); len(n) != 1 || n[0] != "state.json" {
				t.Errorf("folder holds %q, want only state.json", n)
			}
			if len(*synced) != 1 || (*synced)[0] != dir {
				t.Errorf("synced folders %q, want [%s]", *synced, dir)
			}
		})
	}
}

func TestFailedWriteLeavesTheOldFile(t *testing.T) {
	errWrite := errors.New("encoder gave up")
	tests := []struct {
		name    string
		target  string // "file" or "folder": what stands at path before
		write   func(io.Writer) error
		wantErr string
	}{
		{"write fails", "file", func(w io.Writer) error {
			io.WriteString(w, "half")
			return errWrite
		}, "encoder gave up"},
		{"rename fails over a folder", "folder", func(w io.Writer) error {
			_, err := io.WriteString(w, "new")
			return err
		}, "state.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synced := recordSyncs(t, nil)
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			keep := path
			if tc.target == "folder" {
				keep = filepath.Join(path, "inside")
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(keep, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			err := WriteFunc(path, 0o600, tc.write)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and %q", err, path, tc.wantErr)
			}
			if got, err := os.ReadFile(keep); err != nil || string(got) != "old" {
				t.Errorf("old content %q, %v; want it intact", got, err)
			}
			if n := names(t, dir); len(n) != 1 || n[0] != "state.json" {
				t.Errorf("folder holds %q, want the temporary file removed", n)
			}
			if len(*synced) != 0 {
				t.Errorf("synced %q after a failed write", *synced)
			}
		})
	}
}

func TestWriteIntoAMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent", "state.json")
	err := Write(path, []byte("x"), 0o600)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want not-exist naming %s", err, path)
	}
}

func TestWriteReportsAFailedFolderSync(t *testing.T) {
	errSync := errors.New("disk gone")
	recordSyncs(t, errSync)
	path := filepath.Join(t.TempDir(), "state.json")
	if err := Write(path, []byte("new"), 0o600); !errors.Is(err, errSync) {
		t.Fatalf("error %v, want the folder sync's", err)
	}
}

func TestSyncDir(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		dir     string
		wantErr bool
	}{
		{"folder", dir, false},
		{"missing", filepath.Join(dir, "absent"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := SyncDir(tc.dir)
			if (err != nil) != tc.wantErr {
				t.Fatalf("SyncDir(%s) = %v, want error %v", tc.dir, err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.dir) {
				t.Errorf("error %v does not name the folder", err)
			}
		})
	}
}
