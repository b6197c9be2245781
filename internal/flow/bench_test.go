package flow

import (
	"fmt"
	"testing"
	"time"
)

func BenchmarkObserve(b *testing.B) {
	w := New(Options{Location: time.UTC})
	at := monday
	w.Observe(lims, at, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w.Observe(lims, at.Add(time.Duration(i)*time.Millisecond), 10)
	}
}

// BenchmarkCheck10k checks 10,000 learned sources once a minute.
func BenchmarkCheck10k(b *testing.B) {
	w := New(Options{Location: time.UTC})
	keys := make([]Key, 10000)
	for i := range keys {
		keys[i] = Key{Listener: "syslog", Host: fmt.Sprintf("host-%05d", i)}
	}
	at := monday
	step := func() {
		for _, k := range keys {
			w.Observe(k, at, 2)
		}
		at = at.Add(time.Minute)
	}
	for range 120 {
		step()
		w.Check(at)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		step()
		b.StartTimer()
		if f := w.Check(at); len(f) != 0 {
			b.Fatalf("steady sources raised %d findings", len(f))
		}
	}
}
