package peopletest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
)

// refresh calls s.Refresh and fails unless it says changed as wanted.
func refresh(t *testing.T, s *people.Store, changed bool, when string) {
	t.Helper()
	got, err := s.Refresh(ctx)
	if err != nil {
		t.Fatalf("Refresh %s: %v", when, err)
	}
	if got != changed {
		t.Fatalf("Refresh %s: changed %v, want %v", when, got, changed)
	}
}

// testStoreRefresh: a Store takes in an import another Store on the same
// data made (vigil people import beside the service, or another node),
// and only then: the directory, the pulse's groups and the imported data
// change together.
func testStoreRefresh(t *testing.T, open Opener) {
	in, dir := inputs(t), t.TempDir()
	importer, service := OpenStore(t, open, dir), OpenStore(t, open, dir)
	refresh(t, service, false, "before any import")
	importAll(t, importer, in)
	if service.Directory() != nil || service.Generation() != 0 {
		t.Fatal("the service's Store took in the import before Refresh")
	}
	refresh(t, service, true, "after an import")
	if d := service.Directory(); d == nil || d.Len() != 6 || service.Generation() != importer.Generation() || service.Generation() == 0 {
		t.Fatalf("after Refresh: directory %v, generation %d, the importer's %d", d, service.Generation(), importer.Generation())
	}
	refresh(t, service, false, "with nothing new")

	// A new person in a new group: the pulse takes their group's answers.
	newcomer := answer("2026-Q1", "Estates", "Harbour", true)
	var fe *people.FieldError
	if err := service.SubmitPulse(ctx, newcomer); !errors.As(err, &fe) {
		t.Fatalf("an answer from a group not yet imported: %v, want a *FieldError", err)
	}
	if _, err := importer.Import(ctx, people.ImportFiles{Staff: in("new-staff.csv")}, at.Add(time.Hour)); err != nil {
		t.Fatalf("Import: %v", err)
	}
	refresh(t, service, true, "after the second import")
	if _, ok := service.Directory().Lookup("gwen.hale@trust.nhs.uk"); !ok {
		t.Fatal("the person only in the second import is not in the directory after Refresh")
	}
	if err := service.SubmitPulse(ctx, newcomer); err != nil {
		t.Fatalf("an answer from the new group after Refresh: %v", err)
	}
	if im := service.Imported(); len(im.Training) != 3 || len(im.Campaigns) != 1 || !im.At.Equal(at.Add(time.Hour)) {
		t.Fatalf("imported data after Refresh: %d records, %d campaigns, at %v; want the first import's kept", len(im.Training), len(im.Campaigns), im.At)
	}

	// A refused import changes nothing to take in.
	if _, err := importer.Import(ctx, people.ImportFiles{Training: in("bad-training.csv")}, at.Add(2*time.Hour)); err == nil {
		t.Fatal("a malformed training file was imported")
	}
	refresh(t, service, false, "after a refused import")
	// The service's own import is no news to it.
	if _, err := service.Import(ctx, people.ImportFiles{Staff: in("staff.csv")}, at.Add(3*time.Hour)); err != nil {
		t.Fatalf("Import: %v", err)
	}
	refresh(t, service, false, "after the Store's own import")
	refresh(t, importer, true, "of the first Store after the other's import")
	if d := importer.Directory(); d.Len() != 6 {
		t.Fatalf("the first Store's directory after Refresh: %d people, want 6", d.Len())
	}
}

// testStoreRefreshConcurrent: readers of the directory and the imported
// data, while imports are taken in, see one import or another whole
// (run with -race).
func testStoreRefreshConcurrent(t *testing.T, open Opener) {
	in, dir := inputs(t), t.TempDir()
	importer, service := OpenStore(t, open, dir), OpenStore(t, open, dir)
	files := []string{in("staff.csv"), in("new-staff.csv")}
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				if err := consistent(service); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range 10 {
		if _, err := importer.Import(ctx, people.ImportFiles{Staff: files[i%2]}, at.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatalf("Import %d: %v", i, err)
		}
		if _, err := service.Refresh(ctx); err != nil {
			t.Fatalf("Refresh %d: %v", i, err)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if service.Generation() != importer.Generation() || service.Directory().Len() != 7 {
		t.Fatalf("after the last refresh: generation %d (the importer's %d), %d people", service.Generation(), importer.Generation(), service.Directory().Len())
	}
}

// consistent checks one read of s: the imported staff are one of the two
// lists imported, whole.
func consistent(s *people.Store) error {
	im := s.Imported()
	if n := len(im.Staff); n != 0 && n != 6 && n != 7 {
		return errors.New("a read saw part of an import")
	}
	if d := s.Directory(); d != nil && d.Len() != 6 && d.Len() != 7 {
		return errors.New("a read saw part of a directory")
	}
	return nil
}
