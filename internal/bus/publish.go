package bus

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
)

// publishAttempts is how often Accept sends the messages that failed for a
// passing reason (a server failing over, an acknowledgement lost) before
// it gives up; the message ids make sending again safe.
const publishAttempts = 4

// publishBackoff is the pause before the second attempt, doubled after.
const publishBackoff = 100 * time.Millisecond

// Sink returns the ingest.Sink that publishes to the stream. Its Accept
// returns nil once the stream has acknowledged every event: stored on a
// quorum of the stream's replicas. Accept may be retried with the same
// events after an error: within the duplicate window they are stored once.
func (b *Bus) Sink() ingest.Sink { return sink{b} }

type sink struct{ b *Bus }

// Accept publishes evs and waits for the stream to store them all.
func (s sink) Accept(ctx context.Context, evs []*event.Event) error {
	return s.b.publish(ctx, evs)
}

func (b *Bus) publish(ctx context.Context, evs []*event.Event) error {
	if len(evs) == 0 {
		return nil
	}
	return b.sendAll(ctx, b.encode(evs))
}

// sendAll sends msgs, again for those that failed for a passing reason,
// and returns nil once every one is acknowledged.
func (b *Bus) sendAll(ctx context.Context, msgs []*nats.Msg) error {
	total := len(msgs)
	var err error
	for attempt, wait := 1, publishBackoff; ; attempt, wait = attempt+1, 2*wait {
		if msgs, err = b.send(ctx, msgs); len(msgs) == 0 {
			return nil
		}
		if attempt == publishAttempts || !transient(err) || !sleep(ctx, wait) {
			break
		}
		b.log.Debug("bus: publishing again", "stream", b.cfg.Stream, "events", len(msgs), "attempt", attempt+1, "err", err)
	}
	return b.publishErr(ctx, err, len(msgs), total)
}

// encode builds one message per event, to the event's partition, with an
// id that the same batch always gets again: a hash of the whole encoded
// batch (every event's source, time, host and fields) and the event's
// index in it. A listener that retries Accept after a timeout, on this
// node or another, so sends the same ids and the stream keeps one copy.
// The messages share one buffer, which Accept does not reuse: a send the
// client retries in the background may still read it after Accept returns.
func (b *Bus) encode(evs []*event.Event) []*nats.Msg {
	ends := make([]int, len(evs))
	var buf []byte
	for i, ev := range evs {
		buf = ev.AppendBinary(buf)
		ends[i] = len(buf)
	}
	sum := sha256.Sum256(buf)
	prefix := base64.RawURLEncoding.EncodeToString(sum[:12]) + "."
	msgs := make([]*nats.Msg, len(evs))
	start := 0
	for i, ev := range evs {
		msgs[i] = &nats.Msg{
			Subject: b.subjects[PartitionOf(eventHost(ev), b.cfg.Partitions)],
			Data:    buf[start:ends[i]:ends[i]],
			Header:  nats.Header{jetstream.MsgIDHeader: {prefix + strconv.Itoa(i)}},
		}
		start = ends[i]
	}
	return msgs
}

// send publishes msgs without waiting between them, then waits for their
// acknowledgements, and returns those not stored with the first error.
func (b *Bus) send(ctx context.Context, msgs []*nats.Msg) ([]*nats.Msg, error) {
	futs := make([]jetstream.PubAckFuture, 0, len(msgs))
	var failed []*nats.Msg
	var first error
	for i, m := range msgs {
		f, err := b.js.PublishMsgAsync(m)
		if err != nil { // too many pending, or the connection is closed
			failed, first = append(failed, msgs[i:]...), err
			break
		}
		futs = append(futs, f)
	}
	b.stats.published.Add(uint64(len(futs)))
	for i, f := range futs {
		select {
		case ack := <-f.Ok():
			b.stats.acked.Add(1)
			if ack.Duplicate {
				b.stats.duplicates.Add(1)
			}
		case err := <-f.Err():
			failed = append(failed, msgs[i])
			if first == nil { // the count says how many; one cause is enough to read
				first = err
			}
		case <-ctx.Done():
			return append(failed, msgs[i:len(futs)]...), ctx.Err()
		}
	}
	return failed, first
}

// publishErr says how many events of the batch the stream did not
// acknowledge and why; a passing failure wraps ingest.ErrOverloaded so
// that the listener asks its sender to retry shortly.
func (b *Bus) publishErr(ctx context.Context, err error, failed, total int) error {
	err = fmt.Errorf("bus: stream %s: %d of %d messages not acknowledged: %w", b.cfg.Stream, failed, total, err)
	if ctx.Err() == nil && transient(err) {
		b.stats.overloaded.Add(1)
		return fmt.Errorf("%w: %w", ingest.ErrOverloaded, err)
	}
	b.stats.failed.Add(1)
	return err
}

// errDupInProcess is JetStream's error code for a message whose id an
// earlier send of the same message still has on its way to a quorum: the
// earlier send settles it, so sending again shortly gets its answer.
const errDupInProcess = 10158

// transient tells failures that sending again later may cure: too many
// acknowledgements pending, a server failing over or without quorum, an
// earlier send of the same batch still in flight.
func transient(err error) bool {
	for _, t := range []error{
		jetstream.ErrTooManyStalledMsgs, jetstream.ErrAsyncPublishTimeout, jetstream.ErrNoStreamResponse,
		nats.ErrDisconnected, nats.ErrConnectionReconnecting, nats.ErrNoResponders, nats.ErrTimeout,
		context.DeadlineExceeded,
	} {
		if errors.Is(err, t) {
			return true
		}
	}
	var api *jetstream.APIError
	return errors.As(err, &api) && (api.Code == 503 || api.ErrorCode == errDupInProcess) // 503: temporarily unavailable
}

// sleep waits d unless ctx ends first, and says whether it waited.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// eventHost is the host an event is partitioned by: its Host, else its
// Computer field, else its source (so that a feed without hosts at least
// stays in one partition, in order).
func eventHost(ev *event.Event) string {
	if ev.Host != "" {
		return ev.Host
	}
	if h, ok := ev.Get(event.Computer); ok && h != "" {
		return h
	}
	return ev.Source
}

// PartitionOf is the partition of host among n: FNV-1a of the host name
// with ASCII letters folded to lower case, as Windows and DNS names
// compare, so that "WS-042" and "ws-042" meet on one detector node.
func PartitionOf(host string, n int) int {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	for i := 0; i < len(host); i++ {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint32(c)) * prime
	}
	return int(h % uint32(n))
}
