package eventstore

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
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

func BenchmarkAppend(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{{"sync", Options{}}, {"nosync", Options{NoSync: true}}} {
		b.Run(c.name, func(b *testing.B) { benchAppend(b, c.opts) })
	}
}

func benchAppend(b *testing.B, opts Options) {
	s, err := Open(b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const batch = 1000
	recs := make([]Record, batch)
	var ev event.Event
	size := 0
	for i := range recs {
		benchEvent(&ev, i)
		recs[i].Data = ev.AppendBinary(nil)
		size += len(recs[i].Data)
	}
	b.SetBytes(int64(size / batch))
	b.ReportAllocs()
	b.ResetTimer()
	seq := uint64(0)
	for n := 0; n < b.N; n += batch {
		for i := range recs[:min(batch, b.N-n)] {
			seq++
			recs[i].Seq = seq
		}
		if err := s.Append(context.Background(), recs[:min(batch, b.N-n)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
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
