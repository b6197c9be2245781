package people

import (
	"context"
	"testing"
)

// benchRefreshStores returns two Stores on one data folder holding a
// directory of 20,000 staff: the importer (vigil people import) and the
// service's.
func benchRefreshStores(b *testing.B) (importer, service *Store, staff []Person) {
	b.Helper()
	tr, _ := benchTraining(b, 20000, 1)
	dir := b.TempDir()
	open := func() *Store {
		s, err := OpenStore(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	importer = open()
	staff = tr.dir.People()
	if _, err := importer.ds.SaveImported(context.Background(), Imported{Staff: staff}); err != nil {
		b.Fatal(err)
	}
	return importer, open(), staff
}

// BenchmarkStoreRefreshUnchanged: the look the service makes every
// people.reload when nothing was imported: one stat of imported.json.
func BenchmarkStoreRefreshUnchanged(b *testing.B) {
	_, s, _ := benchRefreshStores(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if changed, err := s.Refresh(ctx); err != nil || changed {
			b.Fatalf("Refresh with nothing new: %v, %v", changed, err)
		}
	}
}

// BenchmarkStoreRefreshChanged: taking in a new import of 20,000 staff:
// imported.json read again, the directory and workforce built, swapped
// in. The import itself is not timed.
func BenchmarkStoreRefreshChanged(b *testing.B) {
	importer, s, staff := benchRefreshStores(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if _, err := importer.ds.SaveImported(ctx, Imported{Staff: staff}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if changed, err := s.Refresh(ctx); err != nil || !changed {
			b.Fatalf("Refresh after an import: %v, %v", changed, err)
		}
	}
}
