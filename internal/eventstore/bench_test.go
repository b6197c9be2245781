package eventstore

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/evtx"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// benchEvent fills ev like a Sysmon process creation, varied by i: a few
// hundred hosts and users, a handful of images, and a rare tool.
func benchEvent(ev *event.Event, i int) {
	images := [...]string{`C:\Windows\System32\svchost.exe`, `C:\Windows\explorer.exe`, `C:\Program Files\EPR\client.exe`, `C:\Windows\System32\cmd.exe`, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`}
	ev.Reset()
	ev.Time = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 50 * time.Millisecond)
	ev.Host = fmt.Sprintf("ward-pc-%03d.trust.nhs.uk", i%300)
	ev.Source = "http"
	ev.LogSource = event.LogSource{Product: "windows", Category: "process_creation"}
	ev.Set("EventID", "1")
	ev.Set("Channel", "Microsoft-Windows-Sysmon/Operational")
	ev.Set("EventRecordID", fmt.Sprint(1000000+i))
	ev.Set("ProcessId", fmt.Sprint(1000+i%5000))
	img := images[i%len(images)]
	if i%100_000 == 77 {
		img = `C:\Users\Public\mimikatz.exe`
	}
	ev.Set("Image", img)
	ev.Set("CommandLine", fmt.Sprintf(`%s --session %d --ward %d`, img, i%9973, i%40))
	ev.Set("User", fmt.Sprintf(`TRUST\staff%04d`, i%2000))
	ev.Set("ParentImage", `C:\Windows\explorer.exe`)
	ev.Set("Hashes", fmt.Sprintf("SHA256=%064x", i*2654435761))
}

// BenchmarkAppend appends synthetic process creations (benchEvent), 1,000
// per call as the service's follower does, with and without fsyncs.
func BenchmarkAppend(b *testing.B) {
	const batch = 1000
	var ev event.Event
	data := make([][]byte, batch)
	for i := range data {
		benchEvent(&ev, i)
		data[i] = ev.AppendBinary(nil)
	}
	for _, c := range []struct {
		name string
		opts Options
	}{{"sync", Options{}}, {"nosync", Options{NoSync: true}}} {
		b.Run(c.name, func(b *testing.B) { benchAppend(b, c.opts, data) })
	}
}

// BenchmarkAppendSamples appends the 7,455 records of the EVTX attack
// samples, in turn, 1,000 per call: real events, whose values repeat
// less than the synthetic ones.
func BenchmarkAppendSamples(b *testing.B) {
	benchAppend(b, Options{NoSync: true}, sampleRecords(b))
}

// sampleRecords reads every record of the EVTX attack samples, encoded.
func sampleRecords(tb testing.TB) [][]byte {
	var out [][]byte
	var ev event.Event
	err := filepath.WalkDir(sharedtest.Path(tb, "evtx-attack-samples"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(strings.ToLower(path), ".evtx") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r, err := evtx.NewReader(f, path)
		if err != nil {
			return err
		}
		for r.Next(&ev) == nil {
			out = append(out, ev.AppendBinary(nil))
		}
		return nil
	})
	if err != nil || len(out) == 0 {
		tb.Fatalf("read the attack samples: %d records, %v", len(out), err)
	}
	return out
}

// benchAppend appends data in turn, 1,000 records per call, and reports
// the CPU time per event besides the wall time.
func benchAppend(b *testing.B, opts Options, data [][]byte) {
	s, err := Open(b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const batch = 1000
	recs := make([]Record, batch)
	size := 0
	for _, d := range data {
		size += len(d)
	}
	b.SetBytes(int64(size / len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := sharedtest.ProcessCPU()
	seq := uint64(0)
	for n := 0; n < b.N; n += batch {
		for i := range recs[:min(batch, b.N-n)] {
			recs[i] = Record{Seq: seq + 1, Data: data[seq%uint64(len(data))]}
			seq++
		}
		if err := s.Append(context.Background(), recs[:min(batch, b.N-n)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if cpu := sharedtest.ProcessCPU() - cpu; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/event")
	}
}

// BenchmarkSearch searches a store of a million events (about 450 MB;
// VIGIL_BENCH_EVENTS sets another number, for profiling).
func BenchmarkSearch(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("VIGIL_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	s, err := Open(b.TempDir(), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var ev event.Event
	recs := make([]Record, 0, 1000)
	for i := 0; i < n; i++ {
		benchEvent(&ev, i)
		recs = append(recs, Record{Seq: uint64(i + 1), Data: ev.AppendBinary(nil)})
		if len(recs) == cap(recs) {
			if err := s.Append(context.Background(), recs); err != nil {
				b.Fatal(err)
			}
			recs = recs[:0]
		}
	}
	for _, q := range []struct{ name, text string }{
		{"field-rare", `Image:*\mimikatz.exe`},
		{"freetext-rare", "mimikatz"},
		{"field-common", `User:trust\staff0042`},
		{"freetext-common", "staff0042"},
		{"host-and-field", `host:ward-pc-007.trust.nhs.uk EventID:1`},
		{"all-last-hour", ""},
	} {
		b.Run(q.name, func(b *testing.B) {
			query := Query{Text: q.text, Buckets: 60}
			if q.text == "" {
				query.Since = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n)*50*time.Millisecond - time.Hour)
			}
			var r *Result
			for b.Loop() {
				if r, err = s.Search(context.Background(), query); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(r.Matched), "matched")
			b.ReportMetric(float64(r.Scanned), "scanned")
		})
	}
}
