package privacy

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

func TestInputSource(t *testing.T) {
	for _, tc := range []struct {
		product, service string
		ok, audit        bool
	}{
		{"hl7", "adt", true, false},
		{"hl7", "siu", true, false},
		{"fhir", "auditevent", true, true},
		{"dicom", "atna", true, true},
		{"fhir", "patient", false, false},
		{"dicom", "", false, false},
		{"windows", "security", false, false},
		{"", "", false, false},
	} {
		src, ok := InputSource(tc.product, tc.service)
		if ok != tc.ok || src.Audit != tc.audit {
			t.Errorf("InputSource(%q, %q) = %+v, %v; want ok %v, audit %v", tc.product, tc.service, src, ok, tc.ok, tc.audit)
		}
		// AddEvent takes no event of a source InputSource refuses.
		ev := event.Event{LogSource: event.LogSource{Product: tc.product, Service: tc.service}}
		ev.Set("user.id", "u1")
		if NewLive(DefaultOptions(), nil).AddEvent(&ev) && !ok {
			t.Errorf("AddEvent took a %s/%s event that InputSource refuses", tc.product, tc.service)
		}
	}
	srcs := InputSources()
	srcs[0].Product = "changed"
	if InputSources()[0].Product == "changed" {
		t.Error("InputSources returned the package's own slice")
	}
}
