package serve

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sim/care"
	"github.com/vigilhealth/vigil/internal/wal"
)

// BenchmarkRebuildPrivacy measures the start-up rebuild of the guardian's
// inputs (rebuildPrivacy): every record of a generated trust (its ADT and
// SIU messages, its AuditEvents and a Windows event per ten of them) in
// the event store, up to the last 8,191 only in the log as when the store lags,
// and the detector's position at the end. The trust is the folder named by
// VIGIL_PRIVACY_BENCH_TRUST ("vigil sim care --size medium" writes a medium
// one), else a small generated one; filling the store is outside the
// timer. It reports the privacy inputs fed per second of reading, the
// seconds of reading and of the analysis after it, the process's CPU
// seconds for both, and the heap in use after the rebuild, garbage
// included (MB-heap) and after a collection (MB-live: the guardian's
// inputs and its result, held until the next analysis replaces it).
func BenchmarkRebuildPrivacy(b *testing.B) {
	dir := os.Getenv("VIGIL_PRIVACY_BENCH_TRUST")
	if dir == "" {
		dir = b.TempDir()
		if _, err := care.Generate(care.Config{Seed: 3, Size: "bench", Staff: 200, Patients: 5000, Days: 7, Start: care.DefaultStart}, dir, nil); err != nil {
			b.Fatal(err)
		}
	}
	staff := readTrustRoster(b, dir)
	s, records := benchRebuildService(b, dir)
	b.ResetTimer()
	var got privacyRebuild
	var read, analysed, cpu time.Duration
	var heap, live uint64
	for range b.N {
		b.StopTimer()
		s.privacy = privacy.NewLive(privacy.DefaultOptions(), nil)
		s.privacy.SetRoster(staff)
		runtime.GC()
		b.StartTimer()
		c0 := sharedtest.ProcessCPU()
		var err error
		if got, err = s.rebuildPrivacy(context.Background(), time.Now()); err != nil {
			b.Fatal(err)
		}
		cpu += sharedtest.ProcessCPU() - c0
		read, analysed = read+got.Read, analysed+got.Analysed
		b.StopTimer()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapInuse)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		live = max(live, ms.HeapInuse)
		if got.Audit == 0 || got.FromLog == 0 {
			b.Fatalf("the rebuild fed no audit event or read nothing from the log: %+v", got)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64((got.Audit+got.Care)*uint64(b.N))/read.Seconds(), "inputs/s")
	b.ReportMetric(read.Seconds()/float64(b.N), "read-s")
	b.ReportMetric(analysed.Seconds()/float64(b.N), "analyse-s")
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
	b.ReportMetric(float64(live)/(1<<20), "MB-live")
	b.ReportMetric(float64(records), "records")
	b.ReportMetric(float64(got.Audit+got.Care), "inputs")
}

// benchRebuildService writes the trust's records to a log and, in chunks
// of 8,192, to an event store in a temporary data folder, and returns a
// service over them with the detector at the log's end, and the number of
// records. The records after the last whole chunk are only in the log.
func benchRebuildService(b *testing.B, trust string) (*Service, int) {
	b.Helper()
	data := b.TempDir()
	w, err := wal.Open(filepath.Join(data, "wal"), wal.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	st, err := eventstore.Open(filepath.Join(data, "events"), eventstore.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var batch [][]byte
	var all []eventstore.Record // only the bytes' owners until stored
	flush := func() {
		first, _, err := w.Append(batch...)
		if err != nil {
			b.Fatal(err)
		}
		for i, rec := range batch {
			all = append(all, eventstore.Record{Seq: first + uint64(i), Data: rec})
		}
		batch = batch[:0]
	}
	n := 0
	eachTrustRecord(b, trust, func(rec []byte) {
		batch, n = append(batch, rec), n+1
		if len(batch) == 4096 {
			flush()
		}
		if len(all) >= 8<<10 {
			storeRecords(b, st, all)
			all = all[:0]
		}
	})
	flush() // the records since the last store append stay in the log only, as when the store lags
	s := &Service{log: slog.New(slog.DiscardHandler), wal: w, events: st}
	s.processed.Store(w.Stats().Last)
	return s, n
}

func storeRecords(b *testing.B, st eventstore.Store, recs []eventstore.Record) {
	b.Helper()
	if err := st.Append(context.Background(), recs); err != nil {
		b.Fatal(err)
	}
}
