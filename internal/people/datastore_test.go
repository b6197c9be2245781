package people_test

import (
	"context"
	"testing"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/people/peopletest"
)

func openData(t *testing.T, dir string) people.DataStore {
	ds, err := people.OpenFileData(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestFileDataStore(t *testing.T) {
	peopletest.Run(t, openData)
}

// TestFileStore runs the Store's behaviour over the data folder's files.
func TestFileStore(t *testing.T) {
	peopletest.RunStore(t, openData)
}

// TestDataStoreMatchesStore: what the DataStore holds, a Store opened on
// the same folder serves (the directory, the pulse link) and LoadSaved
// reads.
func TestDataStoreMatchesStore(t *testing.T) {
	dir := t.TempDir()
	ds := openData(t, dir)
	ctx := context.Background()
	im := people.Imported{Staff: []people.Person{{ID: "E1", Name: "A", Email: "a@trust.nhs.uk", Group: "Nursing", Site: "General"}}}
	if _, err := ds.SaveImported(ctx, im); err != nil {
		t.Fatal(err)
	}
	key, err := ds.PulseKey(ctx)
	if err != nil || len(key) != 32 {
		t.Fatalf("PulseKey: %x, %v", key, err)
	}
	if err := ds.AddPulseCount(ctx, people.PulseCount{Round: "2026-09", Group: "Nursing", Site: "General", Respondents: 1}); err != nil {
		t.Fatal(err)
	}
	over, err := people.NewStore(ds)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	if d := over.Directory(); d == nil || len(d.People()) != 1 {
		t.Fatalf("the directory of a Store over the DataStore: %v", d)
	}
	again, err := people.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if link := again.PulseLink("2026-09"); link != over.PulseLink("2026-09") {
		t.Fatalf("pulse link %s from the folder reopened, %s from the DataStore's key", link, over.PulseLink("2026-09"))
	}
	saved, ok, err := people.LoadSaved(dir)
	if err != nil || !ok || len(saved.Imported.Staff) != 1 || saved.Pulse == nil || len(saved.Pulse.Counts()) != 1 {
		t.Fatalf("LoadSaved after DataStore writes: %+v, %v, %v", saved, ok, err)
	}
}
