package care

import (
	"testing"
)

// BenchmarkGenerate measures generation speed in accesses written per
// second, files included.
func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Seed: 1, Size: "bench", Staff: 200, Patients: 5000, Days: 7, Start: DefaultStart}
	accesses := 0
	for b.Loop() {
		tr, err := Generate(cfg, b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		accesses += tr.Accesses
	}
	b.ReportMetric(float64(accesses)/b.Elapsed().Seconds(), "accesses/s")
}
