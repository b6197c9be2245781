package people

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenStoreRefusesDamage: a damaged file is refused at open, naming
// the file and what is wrong, rather than served.
func TestOpenStoreRefusesDamage(t *testing.T) {
	cases := []struct {
		name, file, content, want string
	}{
		{"staff id twice", importedFile, `{"staff":[{"staff_id":"E1","email":"a@x"},{"staff_id":"E1","email":"b@x"}]}`, importedFile + ": imported staff"},
		{"imported not JSON", importedFile, `{"staff": [`, importedFile},
		{"count over its respondents", pulseFile, `{"counts":[{"round":"2026-09","staff_group":"G","site":"S","respondents":1,"answered":[2,0,0,0],"positive":[0,0,0,0]}]}`, pulseFile + ": pulse count 2026-09/G/S"},
		{"count of a bad round", pulseFile, `{"counts":[{"round":"2026","staff_group":"G","site":"S","respondents":1}]}`, pulseFile + ": pulse count 2026/G/S: round"},
		{"short pulse key", pulseKeyFile, "short", pulseKeyFile + ": 5 bytes, want 32"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := t.TempDir()
			if err := os.MkdirAll(filepath.Join(data, StoreDir), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(data, StoreDir, c.file), []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := OpenStore(data)
			if err == nil {
				s.Close()
				t.Fatalf("opened a folder with a damaged %s", c.file)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want one containing %q", err, c.want)
			}
		})
	}
}

// failingData is a DataStore whose writes fail.
type failingData struct{ DataStore }

var errDiskFull = errors.New("disk full")

func (failingData) SaveImported(context.Context, Imported) (uint64, error) { return 0, errDiskFull }
func (failingData) AddPulseCount(context.Context, PulseCount) error        { return errDiskFull }

// TestStoreKeepsStateWhenTheDataStoreFails: a failed save is reported and
// changes nothing the Store serves.
func TestStoreKeepsStateWhenTheDataStoreFails(t *testing.T) {
	data := t.TempDir()
	good := pulseStore(t, data)
	s, err := NewStore(failingData{good.DataStore()})
	if err != nil {
		t.Fatal(err)
	}
	in := writeFiles(t, map[string]string{"staff.csv": "staff_id,name,email,staff_group,site\nZ1,Zed,zed@trust.nhs.uk,G,S\n"})
	before := s.Imported()
	if _, err := s.Import(context.Background(), ImportFiles{Staff: filepath.Join(in, "staff.csv")}, day(t, "2026-01-02")); !errors.Is(err, errDiskFull) {
		t.Fatalf("Import over a failing save: %v, want the DataStore's error", err)
	}
	if d := s.Directory(); d == nil || d.Len() != 5 || !s.Imported().At.Equal(before.At) {
		t.Fatalf("the directory after a failed import: %v", d)
	}
	p := s.Directory().People()[0]
	if err := s.SubmitPulse(context.Background(), Response{Round: "2026-Q1", Group: p.Group, Site: p.Site, Answers: [numQuestions]Answer{Yes}}); !errors.Is(err, errDiskFull) {
		t.Fatalf("SubmitPulse over a failing save: %v, want the DataStore's error", err)
	}
	if _, err := s.PulseResults(context.Background(), "2026-Q1"); err == nil {
		t.Fatal("a round whose only answer failed to save has results")
	}
}
