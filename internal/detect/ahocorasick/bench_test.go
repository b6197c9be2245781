package ahocorasick

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkScan measures scan throughput over command-line-like text with
// 50,000 patterns, the scale of a full rule set's literals.
func BenchmarkScan(b *testing.B) {
	for _, n := range []int{1000, 50000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			a := New(pathPatterns(n), Options{})
			r := rand.New(rand.NewPCG(7, 8))
			var sb strings.Builder
			for sb.Len() < 4096 {
				sb.WriteString(`"C:\Program Files\Vendor\App\`)
				sb.WriteString(randString(r, "abcdefghijklmnopqrstuvwxyz", 8))
				sb.WriteString(`.exe" --flag `)
			}
			text := sb.String()
			hits := 0
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				a.Scan(text, func(int, int) { hits++ })
			}
			if hits < 0 {
				b.Fatal("unreachable")
			}
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	patterns := pathPatterns(50000)
	b.ReportAllocs()
	for b.Loop() {
		New(patterns, Options{})
	}
}
