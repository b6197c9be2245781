package assure

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzEvidenceLog: whatever a crash or a hand edit leaves in the evidence
// file, reading it never panics, and once the store has opened it (cutting
// a torn last line), an item recorded then is read back last, after what
// the file read before.
func FuzzEvidenceLog(f *testing.F) {
	f.Add([]byte(`{"id":"ev-1","indicators":["B6.b.3"],"holds":true,"summary":"exercise","source":"manual","collected":"2025-03-04T10:00:00Z"}` + "\n"))
	f.Add([]byte(`{"id":"ev-1","indicators":["B6.b.3"],"holds":true,"collected":"2025-03-04T10:00:00Z"}` + "\n" + `{"id":"ev-2","indic`))
	f.Add([]byte(`{"id":"ev-1"}` + "\nnot json\n" + `{"id":"ev-2"}` + "\n"))
	f.Add([]byte("\n\n"))
	f.Add([]byte(`{"id":"ev-1","collected":"yesterday"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, filepath.FromSlash(EvidenceFile))
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		before, beforeErr := readJSONLines[Evidence](path, "recorded evidence")
		s, err := OpenFileStore(dir)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		e := Evidence{ID: "fuzz-new", Indicators: []string{"A1.a.1"}, Source: "manual", Collected: time.Unix(0, 0).UTC()}
		if err := s.RecordEvidence(t.Context(), e); err != nil {
			t.Fatalf("record after open: %v", err)
		}
		all, err := readJSONLines[Evidence](path, "recorded evidence")
		if beforeErr != nil {
			return // damage before the end stays an error; the new line does not hide it
		}
		if err != nil {
			t.Fatalf("a file that read before an append does not read after it: %v", err)
		}
		if len(all) != len(before)+1 || all[len(all)-1].ID != "fuzz-new" {
			t.Fatalf("after an append: %d items (last %+v), want %d ending with the new one", len(all), all[len(all)-1], len(before)+1)
		}
	})
}
