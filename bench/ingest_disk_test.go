package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// diskRate is how fast the disk took a run's bytes.
type diskRate struct {
	bytes   int64
	elapsed time.Duration // writes and fsyncs only, not making the bytes
}

// diskLimit writes the bytes a load sends (its NDJSON batches, then its
// syslog batches) to a file in dir: with perBatch, one write and one fsync
// per batch, as the write-ahead log makes each batch durable before it is
// acknowledged; without, one sequential stream of writes and one fsync at
// the end. Only the writes and fsyncs are timed. This is the physical
// limit of a durable ingest on this disk; the service cannot beat it.
func diskLimit(dir string, l ingestLoad, p *payloads, now time.Time, perBatch bool) (diskRate, error) {
	var r diskRate
	f, err := os.CreateTemp(dir, "disk-limit-*")
	if err != nil {
		return r, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	write := func(b []byte) error {
		start := time.Now()
		if _, err := f.Write(b); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Base(f.Name()), err)
		}
		if perBatch {
			if err := f.Sync(); err != nil {
				return fmt.Errorf("fsync %s: %w", filepath.Base(f.Name()), err)
			}
		}
		r.elapsed += time.Since(start)
		r.bytes += int64(len(b))
		return nil
	}
	var buf []byte
	for i := range l.httpBatches() {
		buf = ndjsonBatch(buf[:0], p.mix, recordBase+uint64(i*l.batch), l.batchLen(i, l.httpEvents), now)
		if err := write(buf); err != nil {
			return r, err
		}
	}
	for i := range l.tcpBatches() {
		buf = syslogBatch(buf[:0], p.frames, uint64(i*l.batch), l.batchLen(i, l.tcpEvents))
		if err := write(buf); err != nil {
			return r, err
		}
	}
	start := time.Now()
	if err := f.Sync(); err != nil {
		return r, fmt.Errorf("fsync %s: %w", filepath.Base(f.Name()), err)
	}
	r.elapsed += time.Since(start)
	return r, nil
}

// eventsPerSecond is n events over the time the disk took.
func (r diskRate) eventsPerSecond(n int) float64 { return float64(n) / r.elapsed.Seconds() }

// mbPerSecond is the disk's rate in MB (10^6 bytes) per second.
func (r diskRate) mbPerSecond() float64 { return float64(r.bytes) / 1e6 / r.elapsed.Seconds() }
