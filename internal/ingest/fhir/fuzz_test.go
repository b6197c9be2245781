package fhir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

func addSeeds(f *testing.F) {
	f.Helper()
	dir := sharedtest.Path(f, "health-examples", "fhir-auditevent")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	own, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range append(files, own...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(withExtra(`,"outcome":{"code":{"code":"0"}},"source":{"site":{"reference":"Location/1"}}`)))
	f.Add(bigAuditEvent(17)) // long enough arrays to move the scanner's slabs
}

// FuzzAuditEvent checks that no input makes the parser or ToEvent panic,
// that every accepted resource has a recorded time, and that ToEvent adds
// no more values than it presized the event for.
func FuzzAuditEvent(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAuditEvent(data)
		if err != nil {
			if a != nil {
				t.Fatal("record returned with an error")
			}
			return
		}
		if a.Recorded.IsZero() && a.Occurred.IsZero() {
			t.Fatal("accepted an AuditEvent without a time")
		}
		var ev event.Event
		a.ToEvent(&ev)
		if ev.Len() > a.fieldCount() {
			t.Fatalf("ToEvent added %d values, presized for %d", ev.Len(), a.fieldCount())
		}
	})
}

// FuzzBundle checks that no input makes ParseBundle panic and that every
// error is an *Error naming where it is.
func FuzzBundle(f *testing.F) {
	addSeeds(f)
	f.Add([]byte(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":` + withExtra("") + `},{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		as, errs := ParseBundle(data)
		for _, a := range as {
			if a == nil {
				t.Fatal("nil record")
			}
		}
		for _, err := range errs {
			if err == nil || err.Error() == "" {
				t.Fatal("empty error")
			}
		}
	})
}
