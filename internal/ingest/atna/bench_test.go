package atna

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// BenchmarkMessageToEvent parses the shared ATNA XML examples and turns each
// into an event, reporting messages per second.
func BenchmarkMessageToEvent(b *testing.B) {
	inputs := sharedtest.ReadGlob(b, "health-examples", "atna", "*.xml")
	size := 0
	for _, in := range inputs {
		size += len(in)
	}
	b.SetBytes(int64(size / len(inputs)))
	b.ReportAllocs()
	var ev event.Event
	n := 0
	for b.Loop() {
		m, err := Parse(inputs[n%len(inputs)])
		if err != nil {
			b.Fatal(err)
		}
		ev.Reset()
		m.ToEvent(&ev)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "messages/s")
}

// BenchmarkFromSyslog measures extracting the XML from a syslog line.
func BenchmarkFromSyslog(b *testing.B) {
	dir, err := sharedtest.Find()
	if err != nil {
		b.Fatal(err)
	}
	line, err := os.ReadFile(filepath.Join(dir, "health-examples", "atna", "epr-integration-cara_iti-47-atna-raw.syslog.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromSyslog(line); err != nil {
			b.Fatal(err)
		}
	}
}
