package bench

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var (
	ingestEvents = flag.Int("ingest-events", 2_000_000, "events per run of TestIngestTable (-short: 20,000)")
	ingestBatch  = flag.Int("ingest-batch", 1000, "events per HTTP request and per syslog TCP write in TestIngestTable")
	ingestMatch  = flag.Int("ingest-match-every", 100, "TestIngestTable: one NDJSON event in this many matches a rule (1: all; 0: none)")
	ingestProf   = flag.String("ingest-cpuprofile", "", "TestIngestTable: write a CPU profile of each run's service to PREFIX-<run>.pprof")
)

// Targets of the live service (issue 3).
const (
	targetRate  = 50_000 // events/s, durable, detected and stored
	targetP99   = time.Second
	targetRSS   = 1 << 30
	markerEvery = 100 * time.Millisecond
	// statsEvery is how often the benchmark asks for the stats while it
	// waits: often enough to time the end within a fraction of a second,
	// rarely enough not to load the service (today each answer copies
	// every alert).
	statsEvery     = 200 * time.Millisecond
	catchUpLimit   = 15 * time.Minute
	markerPatience = 30 * time.Second // after catching up, for the last markers' alerts
)

// TestIngestTable runs `vigil serve` with every SigmaHQ rule loaded and a
// webhook notification target, streams real events into it over HTTP
// NDJSON, syslog TCP, and both at once, and prints the sustained rate to
// durable, detected and stored, the event-to-alert latency of markers sent
// every 100 ms, the peak memory and CPU of the service, and beside them the
// rate at which this disk takes the same bytes (the physical limit). It
// fails only on lost events or a broken run: a slow machine is reported,
// not failed.
//
//	cd bench && go test -run TestIngestTable -v -timeout 30m .
//	cd bench && go test -run TestIngestTable -v -timeout 30m . -ingest-events 500000
func TestIngestTable(t *testing.T) {
	shared := sharedtest.Dir(t)
	bin := buildVigil(t)
	n := *ingestEvents
	if testing.Short() {
		n = 20_000
	}
	var rules []string
	for _, d := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting"} {
		rules = append(rules, filepath.Join(shared, "sigma", d))
	}
	p := &payloads{mix: loadMix(t, rules, *ingestMatch), frames: syslogFrames(t)}
	t.Logf("payloads: %d quiet and %d matching events (one in %d sent matches), %d syslog messages",
		len(p.mix.quiet), len(p.mix.matching), *ingestMatch, len(p.frames))
	hook := startAlertSink(t)
	b := *ingestBatch
	loads := []ingestLoad{
		{name: "http", httpEvents: n, httpSenders: 4, batch: b},
		{name: "tcp", tcpEvents: n, tcps: 4, batch: b},
		{name: "both", httpEvents: n / 2, tcpEvents: n - n/2, httpSenders: 2, tcps: 2, batch: b},
	}
	var results []ingestResult
	for _, l := range loads {
		o := serviceOptions{bin: bin, data: filepath.Join(t.TempDir(), "data"), rules: rules, webhook: hook.url}
		if *ingestProf != "" {
			o.profile = *ingestProf + "-" + l.name + ".pprof"
		}
		results = append(results, runIngest(t, o, l, p, hook))
	}
	t.Log("\n" + ingestTable(results))
}

// ingestResult is what one run measured.
type ingestResult struct {
	load               ingestLoad
	events             int           // the load and the markers
	bytes              int64         // payload bytes sent
	durable, detected  time.Duration // from the first send until all were in the log / processed
	stored             time.Duration // ... until all were in the event store
	cpu                time.Duration // the service's CPU time over the same span
	peakRSS            int64
	latency            []time.Duration // marker send to alert arrival, sorted
	markers, missing   int             // markers sent, and those whose alert never came
	retries            int64
	diskBatch, diskSeq diskRate
}

// done is when the service had made every event durable, detected and
// stored.
func (r ingestResult) done() time.Duration { return max(r.durable, r.detected, r.stored) }

func (r ingestResult) rate() float64 { return float64(r.events) / r.done().Seconds() }

// runIngest starts a fresh service, sends the load with latency markers,
// waits until the service has caught up, and measures the disk on the same
// bytes.
func runIngest(t *testing.T, o serviceOptions, l ingestLoad, p *payloads, hook *alertSink) ingestResult {
	t.Helper()
	s := startService(t, o)
	before, err := s.usage()
	if err != nil {
		t.Fatal(err)
	}
	hook.reset()
	now := time.Now()
	ctx, stopMarkers := context.WithCancel(context.Background())
	markerSends := make(chan []time.Time, 1)
	start := time.Now()
	var counts *sendCounts
	var markerCounts sendCounts
	go func() { markerSends <- sendMarkers(ctx, s, markerEvery, &markerCounts) }()
	counts = sendAll(s, l, p, now)
	stopMarkers()
	sent := <-markerSends
	for _, err := range []error{counts.err, markerCounts.err} {
		if err != nil {
			s.stop(t)
			t.Fatalf("%s: broken run: %v\n%s", l.name, err, tail(s.Stderr.String()))
		}
	}
	r := ingestResult{load: l, events: l.total() + len(sent), bytes: counts.bytes.Load(), markers: len(sent), retries: counts.retries.Load() + markerCounts.retries.Load()}
	st := waitCaughtUp(t, s, start, &r)
	checkCounts(t, l, len(sent), st)
	waitMarkers(hook, sent)
	r.latency, r.missing = hook.latencies(sent)
	slices.Sort(r.latency)
	after, err := s.usage()
	if err != nil {
		t.Fatal(err)
	}
	r.cpu, r.peakRSS = after.cpu-before.cpu, after.peakRSS
	s.stop(t)
	dir := filepath.Dir(o.data)
	if r.diskBatch, err = diskLimit(dir, l, p, now, true); err != nil {
		t.Fatal(err)
	}
	if r.diskSeq, err = diskLimit(dir, l, p, now, false); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d events in %.1f s (%.0f events/s), %d HTTP retries, %d alerts notified", l.name, r.events, r.done().Seconds(), r.rate(), r.retries, hook.total)
	return r
}

// waitCaughtUp polls the service's stats until every event sent is
// durable, detected and stored, noting when each happened.
func waitCaughtUp(t *testing.T, s *service, start time.Time, r *ingestResult) ingestStats {
	t.Helper()
	want := uint64(r.events)
	deadline := time.Now().Add(catchUpLimit)
	var st ingestStats
	var err error
	for {
		st, err = s.stats()
		since := time.Since(start)
		if err == nil {
			for _, m := range []struct {
				n   uint64
				dst *time.Duration
			}{{st.durable(), &r.durable}, {st.EventsProcessed, &r.detected}, {st.stored(), &r.stored}} {
				if m.n >= want && *m.dst == 0 {
					*m.dst = since
				}
			}
			if r.durable > 0 && r.detected > 0 && r.stored > 0 {
				return st
			}
		}
		if time.Now().After(deadline) {
			s.stop(t)
			t.Fatalf("%s: not caught up %v after the first send: %+v, %v", r.load.name, catchUpLimit, st, err)
		}
		time.Sleep(statsEvery)
	}
}

// checkCounts fails the test when the service holds other than exactly
// the events sent: each HTTP event was acknowledged, and every syslog
// message sent gives one event.
func checkCounts(t *testing.T, l ingestLoad, markers int, st ingestStats) {
	t.Helper()
	want := uint64(l.total() + markers)
	if st.durable() != want || st.EventsProcessed != want || st.stored() != want {
		t.Errorf("%s: sent %d events; the service holds %d, processed %d, stored %d", l.name, want, st.durable(), st.EventsProcessed, st.stored())
	}
	if got := st.EventsIn["http"]; got != int64(l.httpEvents+markers) {
		t.Errorf("%s: %d HTTP events accepted, want %d", l.name, got, l.httpEvents+markers)
	}
	if got := st.EventsIn["syslog"]; got != int64(l.tcpEvents) {
		t.Errorf("%s: %d syslog events accepted, want %d", l.name, got, l.tcpEvents)
	}
	if st.Quarantined != 0 {
		t.Errorf("%s: %d messages quarantined, want none", l.name, st.Quarantined)
	}
}

// waitMarkers gives the last markers' alerts time to arrive.
func waitMarkers(hook *alertSink, sent []time.Time) {
	deadline := time.Now().Add(markerPatience)
	for time.Now().Before(deadline) {
		if _, missing := hook.latencies(sent); missing == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// percentile returns the q-th quantile (0..1) of sorted durations.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ingestTable renders the results as two markdown tables: the service,
// and the disk's physical limit on the same bytes.
func ingestTable(rs []ingestResult) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "| load | events | MB sent | durable s | detected s | stored s | events/s | CPU s | CPU µs/event | peak RSS MB | alert p50 ms | p99 ms | max ms | markers (no alert) | HTTP retries | targets |\n")
	fmt.Fprintf(&sb, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&sb, "| %s | %d | %.0f | %.1f | %.1f | %.1f | %.0f | %.1f | %.1f | %.0f | %d | %d | %d | %d (%d) | %d | %s |\n",
			r.load.describe(), r.events, float64(r.bytes)/1e6, r.durable.Seconds(), r.detected.Seconds(), r.stored.Seconds(), r.rate(),
			r.cpu.Seconds(), float64(r.cpu.Microseconds())/float64(r.events), float64(r.peakRSS)/(1<<20),
			percentile(r.latency, 0.5).Milliseconds(), percentile(r.latency, 0.99).Milliseconds(), percentile(r.latency, 1).Milliseconds(),
			r.markers, r.missing, r.retries, r.targets())
	}
	fmt.Fprintf(&sb, "\n| load | disk, fsync per batch: MB/s | events/s | Vigil ÷ it | disk, one sequential write: MB/s | events/s | Vigil ÷ it |\n")
	fmt.Fprintf(&sb, "|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rs {
		n := r.load.total()
		fmt.Fprintf(&sb, "| %s | %.0f | %.0f | %.3f | %.0f | %.0f | %.3f |\n", r.load.describe(),
			r.diskBatch.mbPerSecond(), r.diskBatch.eventsPerSecond(n), r.rate()/r.diskBatch.eventsPerSecond(n),
			r.diskSeq.mbPerSecond(), r.diskSeq.eventsPerSecond(n), r.rate()/r.diskSeq.eventsPerSecond(n))
	}
	return sb.String()
}

// describe names a load for the table.
func (l ingestLoad) describe() string {
	var parts []string
	if l.httpEvents > 0 {
		parts = append(parts, fmt.Sprintf("HTTP NDJSON ×%d", l.httpSenders))
	}
	if l.tcpEvents > 0 {
		parts = append(parts, fmt.Sprintf("syslog TCP ×%d", l.tcps))
	}
	return strings.Join(parts, " + ")
}

// targets says which of the targets the run met.
func (r ingestResult) targets() string {
	var missed []string
	if r.rate() < targetRate {
		missed = append(missed, fmt.Sprintf("rate < %d/s", targetRate))
	}
	if r.missing > 0 || percentile(r.latency, 0.99) >= targetP99 {
		missed = append(missed, "p99 ≥ 1 s")
	}
	if r.peakRSS >= targetRSS {
		missed = append(missed, "RSS ≥ 1 GB")
	}
	if len(missed) == 0 {
		return "met"
	}
	return "TARGET MISSED: " + strings.Join(missed, ", ")
}

// tail is the end of a long log, for failure messages.
func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}
