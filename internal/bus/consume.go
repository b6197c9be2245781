package bus

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// orderedResets bounds how often the client re-creates a partition's
// consumer on its own before reporting the failure.
const orderedResets = 4

// retryBackoff is the pause before claiming a partition again after its
// handler failed.
const retryBackoff = 500 * time.Millisecond

// work claims l's partition in the handler and delivers it until the lease
// is lost, the handler is fenced, or ctx ends. After a processing error it
// releases the partition and claims it again, so that the handler resumes
// from what it committed.
func (m *member) work(ctx context.Context, l *lease, lag *atomic.Uint64) {
	log := m.log.With("partition", l.p, "epoch", l.epoch)
	for m.awaitHeld(ctx, l) {
		resume, err := m.h.Claim(l.p, l.epoch)
		if err != nil {
			if errors.Is(err, ErrFenced) {
				log.Warn("bus: claim refused by the store: a newer epoch holds the partition", "err", err)
				return
			}
			log.Warn("bus: claim partition in the handler", "err", err)
			sleep(ctx, retryBackoff)
			continue
		}
		m.b.stats.claims.Add(1)
		err = m.consume(ctx, l, resume, lag)
		m.h.Release(l.p)
		m.b.stats.releases.Add(1)
		switch {
		case err == nil: // ctx ended
			return
		case errors.Is(err, ErrFenced):
			log.Warn("bus: partition stopped", "err", err)
			return
		}
		log.Warn("bus: processing failed; claiming the partition again from its committed position", "err", err)
		sleep(ctx, retryBackoff)
	}
}

// consume delivers l's partition from the message after resume, in
// batches, until ctx ends (nil) or something fails. It reads through an
// ordered consumer, which the server keeps no acknowledgement state for:
// the position is the handler's committed one. The client reads ahead by
// at most Config.Batch messages; the next batch goes to the handler only
// after Process has returned nil.
func (m *member) consume(ctx context.Context, l *lease, resume uint64, lag *atomic.Uint64) error {
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{m.b.subjects[l.p]},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		// Past a few failed re-creations (the stream's servers failing
		// over) the error comes to work, which claims again.
		MaxResetAttempts: orderedResets,
	}
	if resume > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, resume+1
	}
	cons, err := m.b.js.OrderedConsumer(ctx, m.b.cfg.Stream, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("bus: consumer on stream %s partition %d from sequence %d: %w", m.b.cfg.Stream, l.p, resume+1, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(m.b.cfg.Batch))
	if err != nil {
		return fmt.Errorf("bus: read stream %s partition %d: %w", m.b.cfg.Stream, l.p, err)
	}
	feed := make(chan jetstream.Msg, m.b.cfg.Batch)
	errc := make(chan error, 1)
	go func() { // the iterator blocks; Stop below ends it
		defer close(feed)
		for {
			msg, err := it.Next()
			if err != nil {
				errc <- err
				return
			}
			feed <- msg
		}
	}()
	defer func() {
		// Stop waits while the client re-creates the consumer after a
		// fail-over, up to seconds; nothing read after this point reaches
		// the handler, so the worker need not wait for it.
		go func() {
			it.Stop()
			for range feed { // let the reader see Stop and return
			}
		}()
	}()
	return m.deliver(ctx, l, feed, errc, lag)
}

// deliver hands what feed brings to Process in batches of what has
// arrived, at most Config.Batch, checking the lease before each batch.
func (m *member) deliver(ctx context.Context, l *lease, feed <-chan jetstream.Msg, errc <-chan error, lag *atomic.Uint64) error {
	batch := make([]Msg, 0, m.b.cfg.Batch)
	var pending uint64
	var err error
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg, ok := <-feed:
			if !ok {
				return m.feedErr(ctx, l, errc)
			}
			if batch, pending, err = m.appendMsg(batch, l, msg); err != nil {
				return err
			}
		}
	fill:
		for len(batch) < cap(batch) {
			select {
			case msg, ok := <-feed:
				if !ok {
					break fill // the error comes with the next receive
				}
				if batch, pending, err = m.appendMsg(batch, l, msg); err != nil {
					return err
				}
			default:
				break fill
			}
		}
		if !m.awaitHeld(ctx, l) {
			return nil
		}
		if err := m.h.Process(l.p, batch); err != nil {
			return fmt.Errorf("bus: process stream %s partition %d sequences %d-%d: %w",
				m.b.cfg.Stream, l.p, batch[0].Seq, batch[len(batch)-1].Seq, err)
		}
		m.b.stats.processed.Add(uint64(len(batch)))
		lag.Store(pending)
		clear(batch)
		batch = batch[:0]
	}
}

// awaitHeld waits while l's lease is not known to be held (renewals are
// late): delivering then could overlap with another node that claimed the
// partition after the lease expired. It returns false when ctx ends, which
// is how the member stops the worker when it gives the lease up.
func (m *member) awaitHeld(ctx context.Context, l *lease) bool {
	for !l.held() {
		if !sleep(ctx, m.tick/8) { // the renewal is in the member's goroutine: poll for it
			return false
		}
	}
	return ctx.Err() == nil
}

// appendMsg adds msg to batch and returns how many messages of the
// partition follow it in the stream.
func (m *member) appendMsg(batch []Msg, l *lease, msg jetstream.Msg) ([]Msg, uint64, error) {
	md, err := msg.Metadata()
	if err != nil {
		return batch, 0, fmt.Errorf("bus: stream %s partition %d: message without its stream sequence: %w", m.b.cfg.Stream, l.p, err)
	}
	return append(batch, Msg{Partition: l.p, Seq: md.Sequence.Stream, Epoch: l.epoch, Time: md.Timestamp, Data: msg.Data()}), md.NumPending, nil
}

func (m *member) feedErr(ctx context.Context, l *lease, errc <-chan error) error {
	err := <-errc
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("bus: read stream %s partition %d: %w", m.b.cfg.Stream, l.p, err)
}
