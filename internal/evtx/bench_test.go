package evtx

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

// BenchmarkReader parses all attack samples from memory per iteration and
// reports records per second of wall-clock time and per second of CPU time
// (the second is the per-core rate, steady on a busy machine; it includes
// the garbage collector's work).
func BenchmarkReader(b *testing.B) {
	var files [][]byte
	var size int64
	for _, path := range attackSamples(b) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		size += int64(len(data))
	}
	var ev event.Event
	var records int64
	b.SetBytes(size)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, data := range files {
			r, err := NewReader(bytes.NewReader(data), "sample")
			if err != nil {
				b.Fatal(err)
			}
			for {
				err := r.Next(&ev)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				records++
			}
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(records)/cpu.Seconds(), "records/cpu-s")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(records, 1)), "ns/record")
}
