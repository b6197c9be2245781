package evtx

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime/debug"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
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
	cpu0 := sharedtest.ProcessCPU()
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
	if cpu := sharedtest.ProcessCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(records)/cpu.Seconds(), "records/cpu-s")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(records, 1)), "ns/record")
}

// TestAllocsPerRecord holds the allocation ceiling: once templates are
// compiled, a record costs one allocation (the string that holds all its
// values), and a file a handful more.
func TestAllocsPerRecord(t *testing.T) {
	data, err := os.ReadFile(sharedtest.Path(t, "evtx-attack-samples", "Command and Control", "bits_openvpn.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	// A collection empties the pool of Reader state, and the next Reader
	// then allocates and compiles afresh; keep collections out of the
	// measurement so that it sees the steady state.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var ev event.Event
	records := 0
	allocs := testing.AllocsPerRun(5, func() {
		records = 0
		r, err := NewReader(bytes.NewReader(data), "bits_openvpn.evtx")
		if err != nil {
			t.Fatal(err)
		}
		for r.Next(&ev) == nil {
			records++
		}
	})
	if records < 1000 {
		t.Fatalf("read %d records, want the 1,537 of the sample", records)
	}
	perRecord := allocs / float64(records)
	t.Logf("%.0f allocations for %d records: %.3f per record", allocs, records, perRecord)
	ceiling := 1.05
	if raceEnabled {
		// The pool drops state at random, so a file may compile its
		// templates again; a per-field allocation would still show.
		ceiling = 2
	}
	if perRecord > ceiling {
		t.Errorf("%.3f allocations per record, want at most %.2f", perRecord, ceiling)
	}
}
