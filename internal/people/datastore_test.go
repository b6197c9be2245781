package people_test

import (
	"context"
	"testing"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/people/peopletest"
)

func openData(t *testing.T, dir string) people.DataStore {
	s, err := people.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s.DataStore()
}

func TestFileDataStore(t *testing.T) {
	peopletest.Run(t, openData)
}

// TestDataStoreMatchesStore: what the DataStore writes, the Store on the
// same folder serves (the directory, the pulse link) and LoadSaved reads.
func TestDataStoreMatchesStore(t *testing.T) {
	dir := t.TempDir()
	s, err := people.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ds := s.DataStore()
	ctx := context.Background()
	im := people.Imported{Staff: []people.Person{{ID: "E1", Name: "A", Email: "a@trust.nhs.uk", Group: "Nursing", Site: "General"}}}
	if err := ds.SaveImported(ctx, im); err != nil {
		t.Fatal(err)
	}
	if d := s.Directory(); d == nil || len(d.People()) != 1 {
		t.Fatalf("the Store's directory after SaveImported: %v", d)
	}
	key, err := ds.PulseKey(ctx)
	if err != nil || len(key) != 32 {
		t.Fatalf("PulseKey: %x, %v", key, err)
	}
	if err := ds.AddPulseCount(ctx, people.PulseCount{Round: "2026-09", Group: "Nursing", Site: "General", Respondents: 1}); err != nil {
		t.Fatal(err)
	}
	saved, ok, err := people.LoadSaved(dir)
	if err != nil || !ok || len(saved.Imported.Staff) != 1 || saved.Pulse == nil || len(saved.Pulse.Counts()) != 1 {
		t.Fatalf("LoadSaved after DataStore writes: %+v, %v, %v", saved, ok, err)
	}
}
