package audit

import (
	"testing"
)

// BenchmarkAppendParallel measures appends from many goroutines, which
// share fsyncs (the latency of one fsync bounds a lone caller).
func BenchmarkAppendParallel(b *testing.B) {
	l, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.SetParallelism(16)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := l.Append(sample(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkVerify measures checking a chain of 10,000 entries.
func BenchmarkVerify(b *testing.B) {
	dir := b.TempDir()
	l, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	entries := make(chan struct{}, 64)
	for range 64 {
		go func() {
			for range 10_000 / 64 {
				l.Append(sample(1))
			}
			entries <- struct{}{}
		}()
	}
	for range 64 {
		<-entries
	}
	l.Close()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Verify(dir); err != nil {
			b.Fatal(err)
		}
	}
}
