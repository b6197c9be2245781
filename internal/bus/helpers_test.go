package bus

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigilhealth/vigil/internal/bus/bustest"
	"github.com/vigilhealth/vigil/internal/event"
)

// testTTL is the lease TTL of the tests: short, so that a dead node's
// partitions move within seconds.
const testTTL = 2 * time.Second

func testConfig(c *bustest.Cluster, replicas int) Config {
	return Config{
		URLs: c.URLs(), Replicas: replicas, Partitions: 12,
		LeaseTTL: testTTL, AckTimeout: 5 * time.Second, Batch: 64,
	}
}

func testLogger() *slog.Logger {
	var w io.Writer = io.Discard
	if testing.Verbose() {
		w = os.Stderr
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func connect(t testing.TB, cfg Config) *Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Connect(ctx, cfg, testLogger())
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

// makeEvents returns n events whose Record numbers from first on identify
// them, spread over hosts hosts, each with about size bytes of fields.
func makeEvents(first, n, hosts, size int) []*event.Event {
	evs := make([]*event.Event, n)
	pad := strings.Repeat("x", max(size-200, 0))
	for i := range evs {
		ev := &event.Event{
			Time:   time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(first+i) * time.Millisecond),
			Source: "test", Record: uint64(first + i),
			Host: fmt.Sprintf("WS-%03d.trust.nhs.uk", (first+i)%hosts),
		}
		ev.Set("EventID", "4625")
		ev.Set("Channel", "Security")
		ev.Set("TargetUserName", fmt.Sprintf("user%d", (first+i)%97))
		ev.Set("CommandLine", pad)
		evs[i] = ev
	}
	return evs
}

// stored is one message read back from the stream.
type stored struct {
	seq       uint64
	partition int
	record    uint64
}

// readStream reads every message of the stream and decodes its event.
func readStream(t testing.TB, b *Bus) []stored {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := b.js.Stream(ctx, b.cfg.Stream)
	if err != nil {
		t.Fatalf("stream info: %v", err)
	}
	total := s.CachedInfo().State.Msgs
	cons, err := b.js.OrderedConsumer(ctx, b.cfg.Stream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatalf("ordered consumer: %v", err)
	}
	var out []stored
	var ev event.Event
	for uint64(len(out)) < total {
		batch, err := cons.Fetch(1000, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatalf("fetch after %d of %d messages: %v", len(out), total, err)
		}
		for msg := range batch.Messages() {
			md, err := msg.Metadata()
			if err != nil {
				t.Fatalf("metadata: %v", err)
			}
			if err := ev.UnmarshalBinary(msg.Data()); err != nil {
				t.Fatalf("message %d does not decode: %v", md.Sequence.Stream, err)
			}
			var p int
			fmt.Sscanf(msg.Subject()[len(b.cfg.Stream)+3:], "%d", &p)
			out = append(out, stored{seq: md.Sequence.Stream, partition: p, record: ev.Record})
		}
		if batch.Error() != nil && ctx.Err() != nil {
			t.Fatalf("read the stream: %v", batch.Error())
		}
	}
	return out
}

// waitFor polls cond until it holds, and fails the test after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("after %v: %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition, not waiting for an event
	}
	return time.Since(start)
}
