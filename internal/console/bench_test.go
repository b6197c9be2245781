package console

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
)

// BenchmarkOverview renders the overview, charts and heat map included,
// over one alert and incident.
func BenchmarkOverview(b *testing.B) {
	f := newFixture(b)
	f.seed(b)
	p := as(auth.RoleAnalyst)
	b.ReportAllocs()
	for b.Loop() {
		if w := f.get(b, p, "/"); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkAlertPage renders an alert's page, the matched-field search
// included.
func BenchmarkAlertPage(b *testing.B) {
	f := newFixture(b)
	f.seed(b)
	p := as(auth.RoleAnalyst)
	b.ReportAllocs()
	for b.Loop() {
		if w := f.get(b, p, "/alerts/a1"); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
