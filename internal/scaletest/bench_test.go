package scaletest

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigilhealth/vigil/internal/bus"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
	"github.com/vigilhealth/vigil/internal/sim"
)

// benchEvents is the size of one round of BenchmarkScaleOut. The default
// is CI's smoke run; docs/benchmarks.md gives the command of the full one,
// large enough that the nodes' start (about 0.1 s each, then a lease
// round) is a small part of the time measured.
var benchEvents = flag.Int("events", 3000, "events per round of BenchmarkScaleOut")

// benchRates keeps each round's detection rate, by whether the detect
// nodes store the events for search and by their count, for the
// efficiency column and the tables printed at the end.
var benchRates = struct {
	sync.Mutex
	detect           map[bool]map[int]float64
	publish, consume float64
}{detect: map[bool]map[int]float64{true: {}, false: {}}}

// BenchmarkScaleOut measures, on a three-server R3 cluster and PostgreSQL:
// publishing the demo trust's ordinary traffic through an ingest node's
// sink (bus.Sink.Accept, batches of 500), reading it back raw (an ordered
// consumer, no processing), and detecting it with 1, 2 and 4 detect nodes
// as processes (from their start until every event is committed, start-up
// and the first claims included), with the events stored in PostgreSQL
// for search (store.postgres.events, the default) and without. Messages
// processed again after a hand-over count twice, so a round ends at most
// one batch per hand-over early. Run it with -benchtime=1x.
func BenchmarkScaleOut(b *testing.B) {
	evs := trafficEvents(b, *benchEvents)
	for _, stored := range []bool{true, false} {
		for _, n := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("events=%s/detect=%d", storedName(stored), n), func(b *testing.B) {
				for range b.N {
					scaleRound(b, evs, n, stored)
				}
			})
		}
	}
	benchRates.Lock()
	defer benchRates.Unlock()
	var tb strings.Builder
	fmt.Fprintf(&tb, "\n%d events | JetStream R3 publish %.0f events/s, consume %.0f events/s\n", len(evs), benchRates.publish, benchRates.consume)
	fmt.Fprintf(&tb, "| events in PostgreSQL | detect processes | events/s | per process | efficiency |\n|---|---|---|---|---|\n")
	for _, stored := range []bool{true, false} {
		one := benchRates.detect[stored][1]
		for _, n := range []int{1, 2, 4} {
			r := benchRates.detect[stored][n]
			fmt.Fprintf(&tb, "| %s | %d | %.0f | %.0f | %.0f%% |\n", storedName(stored), n, r, r/float64(n), 100*r/(float64(n)*one))
		}
	}
	b.Log(tb.String())
}

func storedName(stored bool) string {
	if stored {
		return "stored"
	}
	return "off"
}

// scaleRound runs one round on a fresh deployment with n detect nodes,
// which store the events in PostgreSQL when stored is true.
func scaleRound(b *testing.B, evs []*event.Event, n int, stored bool) {
	b.StopTimer()
	d := newDeployment(b)
	d.noEvents = !stored
	bs := d.connectBus(b)
	start := time.Now()
	for i := 0; i < len(evs); i += 500 {
		if err := bs.Sink().Accept(context.Background(), evs[i:min(i+500, len(evs))]); err != nil {
			b.Fatalf("publish: %v", err)
		}
	}
	publish := float64(len(evs)) / time.Since(start).Seconds()
	consume := d.readAll(b, len(evs))
	b.StartTimer()
	start = time.Now()
	kids := make([]*child, n)
	for i := range kids { // one after another: a process starts in about 0.1 s
		kids[i] = d.startDetect(fmt.Sprintf("det-%d", i+1))
	}
	waitFor(b, 10*time.Minute, "the detect nodes to commit every event", func() bool {
		return processed(b, kids) >= uint64(len(evs))
	})
	rate := float64(len(evs)) / time.Since(start).Seconds()
	b.StopTimer()
	b.ReportMetric(rate, "events/s")
	b.ReportMetric(rate/float64(n), "events/s/process")
	b.ReportMetric(publish, "publish-events/s")
	b.ReportMetric(consume, "consume-events/s")
	benchRates.Lock()
	benchRates.detect[stored][n] = rate
	benchRates.publish, benchRates.consume = publish, consume
	benchRates.Unlock()
}

// trafficEvents is n events of the demo trust's ordinary traffic (FHIR
// AuditEvents left out), decoded as an ingest node decodes them.
func trafficEvents(tb testing.TB, n int) []*event.Event {
	tb.Helper()
	trust := sim.NewTrust(3)
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	var evs []*event.Event
	for ev := range trust.Background(start, 24*time.Hour, 50) {
		if ev.FHIR != nil {
			continue
		}
		line, err := ev.JSON()
		if err != nil {
			tb.Fatal(err)
		}
		e := &event.Event{}
		if err := winjson.Decode(line, e); err != nil {
			tb.Fatalf("decode a simulated event: %v", err)
		}
		if e.Host == "" {
			e.Host = ev.Host
		}
		if evs = append(evs, e); len(evs) == n {
			break
		}
	}
	return evs
}

// connectBus connects the test's process to the deployment's stream.
func (d *deployment) connectBus(tb testing.TB) *bus.Bus {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bs, err := bus.Connect(ctx, *d.busConfig(), testLogger())
	if err != nil {
		tb.Fatalf("connect to the stream: %v", err)
	}
	tb.Cleanup(bs.Close)
	return bs
}

// readAll reads n messages from the start of the stream with an ordered
// consumer and returns the rate.
func (d *deployment) readAll(tb testing.TB, n int) float64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	js := d.connect(tb)
	start := time.Now()
	cons, err := js.OrderedConsumer(ctx, bus.DefaultStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		tb.Fatalf("ordered consumer: %v", err)
	}
	for got := 0; got < n; {
		batch, err := cons.Fetch(1000, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			tb.Fatalf("fetch after %d of %d: %v", got, n, err)
		}
		for range batch.Messages() {
			got++
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// processed sums the messages the detect nodes have processed and
// committed, from their metrics.
func processed(tb testing.TB, kids []*child) uint64 {
	var sum uint64
	for _, k := range kids {
		resp, err := http.Get(k.base + "/metrics")
		if err != nil {
			tb.Fatalf("metrics of %s: %v", k.name, err)
		}
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		resp.Body.Close()
		sc := bufio.NewScanner(&body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "vigil_bus_processed_total "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				sum += uint64(f)
			}
		}
	}
	return sum
}
