package winjson

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// sysmonEvent is a Sysmon process creation in the evtx_dump layout.
func sysmonEvent(b *testing.B) []byte {
	data, err := os.ReadFile(sharedtest.Path(b, "health-examples", "winjson", "sigma-regression_sysmon-1.json"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecodeSysmon(b *testing.B) { benchDecode(b, Decode) }

// BenchmarkDecodeReuseSysmon is BenchmarkDecodeSysmon with DecodeReuse,
// as the HTTP listener decodes.
func BenchmarkDecodeReuseSysmon(b *testing.B) { benchDecode(b, DecodeReuse) }

func benchDecode(b *testing.B, decode func([]byte, *event.Event) error) {
	data := sysmonEvent(b)
	var ev event.Event
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	cpu := sharedtest.ProcessCPU()
	for b.Loop() {
		if err := decode(data, &ev); err != nil {
			b.Fatal(err)
		}
		n++
	}
	reportRate(b, n, sharedtest.ProcessCPU()-cpu)
}

func BenchmarkReaderSysmonNDJSON(b *testing.B) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, sysmonEvent(b)); err != nil {
		b.Fatal(err)
	}
	const events = 1000
	stream := bytes.Repeat(append(compact.Bytes(), '\n'), events)
	var ev event.Event
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	n := 0
	cpu := sharedtest.ProcessCPU()
	for b.Loop() {
		rd := NewReader(bytes.NewReader(stream), "bench.json")
		for {
			err := rd.Next(&ev)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	if n%events != 0 {
		b.Fatalf("read %d events, not a multiple of %d", n, events)
	}
	reportRate(b, n, sharedtest.ProcessCPU()-cpu)
}

// reportRate reports events per second of wall time and, where measured,
// of process CPU time (run with -cpu=1 for a per-core figure).
func reportRate(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "cpu-events/s")
	}
}
