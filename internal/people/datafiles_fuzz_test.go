package people

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpenFileData: whatever imported.json and pulse.json hold, opening
// the folder either fails or gives a store whose data a Store can use,
// whose counts all pass Check, whose import generation is the one read
// and stays put while nothing is saved, and which LoadSaved reads too.
func FuzzOpenFileData(f *testing.F) {
	f.Add([]byte(`{"staff":[{"staff_id":"E1","name":"A","email":"a@trust.nhs.uk","staff_group":"Nursing","site":"General"}]}`),
		[]byte(`{"counts":[{"round":"2026-09","staff_group":"Nursing","site":"General","respondents":2,"answered":[2,1,0,2],"positive":[1,1,0,0]}]}`))
	f.Add([]byte(`{"staff":[{"staff_id":"E1","email":"a@x"},{"staff_id":"E1","email":"b@x"}]}`), []byte(`{"counts":[]}`))
	f.Add([]byte(`{}`), []byte(`{"counts":[{"round":"2026-Q5","respondents":-1}]}`))
	f.Add([]byte(`{"generation":7,"imported_at":"2026-01-12T09:00:00Z","staff":[]}`), []byte(`{"counts":[]}`))
	f.Fuzz(func(t *testing.T, imported, pulse []byte) {
		data := t.TempDir()
		dir := filepath.Join(data, StoreDir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		// A key written beforehand spares each run the fsyncs of making one.
		for name, b := range map[string][]byte{importedFile: imported, pulseFile: pulse, pulseKeyFile: make([]byte, 32)} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := OpenFileData(data)
		if err != nil {
			return
		}
		defer ds.Close()
		cs, err := ds.PulseCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if err := c.Check(); err != nil {
				t.Fatalf("a count the store took fails Check: %v", err)
			}
		}
		s, err := NewStore(ds)
		if err != nil {
			t.Fatalf("the folder opened but a Store cannot use it: %v", err)
		}
		for range 2 {
			gen, err := ds.ImportGeneration(context.Background())
			if err != nil || gen != s.Generation() {
				t.Fatalf("import generation %d (%v), the Store read %d", gen, err, s.Generation())
			}
		}
		if changed, err := s.Refresh(context.Background()); err != nil || changed {
			t.Fatalf("Refresh with nothing saved: changed %v, %v", changed, err)
		}
		if _, _, err := LoadSaved(data); err != nil {
			t.Fatalf("the store opened the folder but LoadSaved refuses it: %v", err)
		}
	})
}
