package wal

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// BenchmarkAppend measures group commit with 1, 8 and 64 concurrent
// appenders of 500-byte records, and beside it the physical limit: the
// same bytes written with os.File.Write and one fsync per batch of the
// size the log achieved. of-raw is the log's rate over that limit. On a
// disk shared with other work fsync latency swings widely from second to
// second, so compare several runs (-count) rather than one ratio.
func BenchmarkAppend(b *testing.B) {
	for _, appenders := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("appenders=%d", appenders), func(b *testing.B) {
			dir := b.TempDir()
			l, err := Open(dir, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			rec := make([]byte, 500)
			b.SetBytes(int64(len(rec)))
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for w := range appenders {
				n := b.N / appenders
				if w < b.N%appenders {
					n++
				}
				wg.Go(func() {
					for range n {
						if _, _, err := l.Append(rec); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			s := l.Stats()
			perSync := float64(s.Records) / float64(s.Batches)
			rate := float64(b.N) / elapsed.Seconds()
			raw := rawWriteRate(b, dir, b.N, max(1, int(math.Round(perSync))), len(rec))
			b.ReportMetric(rate, "records/s")
			b.ReportMetric(perSync, "records/fsync")
			b.ReportMetric(raw, "raw-records/s")
			b.ReportMetric(rate/raw, "of-raw")
		})
	}
}

// rawWriteRate writes n framed records of size bytes in batches of batch
// records, one Write and one fsync per batch, and returns records/s.
func rawWriteRate(b *testing.B, dir string, n, batch, size int) float64 {
	f, err := os.Create(filepath.Join(dir, "raw"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, batch*(headerBytes+size))
	start := time.Now()
	for done := 0; done < n; done += batch {
		k := min(batch, n-done)
		if _, err := f.Write(buf[:k*(headerBytes+size)]); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkFollowPolling measures a follower that polls the log every
// 500 new records of 500 bytes, as the event-store follower does under
// load, reading with a Reader kept between polls beside the peer it
// replaces, a Read per poll (which finds its place by reading its segment
// from the start). A segment of 64 MiB holds about 130,000 such records.
func BenchmarkFollowPolling(b *testing.B) {
	const poll, size = 500, 500
	for _, mode := range []string{"reader", "read-per-poll"} {
		b.Run(mode, func(b *testing.B) {
			l, err := Open(b.TempDir(), Options{NoSync: true, SegmentBytes: 64 << 20})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			batch := make([][]byte, poll)
			for i := range batch {
				batch[i] = make([]byte, size)
			}
			r := l.NewReader(1)
			defer r.Close()
			next := uint64(1)
			count := func(uint64, []byte) error { next++; return nil }
			b.SetBytes(size)
			b.ResetTimer()
			for done := 0; done < b.N; done += poll {
				if _, _, err := l.Append(batch...); err != nil {
					b.Fatal(err)
				}
				if mode == "reader" {
					err = r.ReadCommitted(count)
				} else {
					err = l.Read(next, count)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
