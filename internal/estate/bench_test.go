package estate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

func BenchmarkLoadLifecycles(b *testing.B) {
	dir := sharedtest.Path(b, "endoflife", "products")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadLifecycles(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseProducts(b *testing.B) {
	paths, _ := filepath.Glob(filepath.Join(sharedtest.Path(b, "endoflife", "products"), "*.md"))
	var data [][]byte
	var n int64
	for _, p := range paths {
		d, _ := os.ReadFile(p)
		data = append(data, d)
		n += int64(len(d))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range data {
			if _, err := ParseProduct(paths[i], d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkLoadKEV(b *testing.B) {
	path := sharedtest.Path(b, "kev", "known_exploited_vulnerabilities.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadKEV(path); err != nil {
			b.Fatal(err)
		}
	}
}
