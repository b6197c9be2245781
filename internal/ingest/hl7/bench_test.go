package hl7

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

// BenchmarkParseToEventADT measures parsing an ADT A01 and mapping it onto
// a reused event, reported as messages per second.
func BenchmarkParseToEventADT(b *testing.B) {
	data := exampleFile(b, "uclh-emap_ADT_A01.hl7")
	var ev event.Event
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		ev.Reset()
		ToEvent(m, &ev)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkParse measures Parse alone on a large v2.8 ADT A01.
func BenchmarkParse(b *testing.B) {
	data := exampleFile(b, "ms-fhir-converter_ADT-A01-01.hl7")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
