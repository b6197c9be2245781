package syslog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/wait"
)

// handle turns one received message into a queued event, or quarantines it
// with reason when it cannot give one. With wait set it waits for room in
// the queue (stream transports); otherwise a full queue drops the message.
func (l *Listener) handle(msg []byte, reason error, name, peer, host string, tc *transportCounters, wait bool) {
	tc.messages.Add(1)
	tc.bytes.Add(int64(len(msg)))
	if reason != nil {
		l.quarantine(name, peer, msg, reason)
		return
	}
	if len(bytes.TrimSpace(msg)) == 0 {
		return
	}
	if !wait && len(l.queue) == cap(l.queue) { // don't parse what can't be queued
		l.stats.udpDrops.Add(1)
		return
	}
	ev := l.pool.Get().(*event.Event)
	err := Parse(msg, ev, l.reference())
	switch {
	case errors.Is(err, ErrBinary), errors.Is(err, ErrATNA):
		l.stats.parseErrors.Add(1)
		l.quarantine(name, peer, msg, err)
		l.pool.Put(ev)
		return
	case errors.Is(err, ErrMalformed):
		l.stats.parseErrors.Add(1)
	}
	ev.Source = name
	if ev.Host == "" {
		ev.Host = host
	}
	if wait {
		l.queue <- ev
		return
	}
	select {
	case l.queue <- ev:
	default:
		l.stats.udpDrops.Add(1)
		l.pool.Put(ev)
	}
}

// quarantine hands a message that gave no event to the quarantine.
func (l *Listener) quarantine(name, peer string, msg []byte, reason error) {
	l.stats.quarantined.Add(1)
	l.q.Reject(name, peer, msg, fmt.Errorf("syslog message from %s: %w", peer, reason))
}

// batch takes events from the queue and hands them to the sink in batches
// of BatchSize, or fewer once the oldest has waited BatchDelay, until the
// queue is closed and empty. When ctx is cancelled (the drain timed out)
// the events it still holds are counted as lost.
func (l *Listener) batch(ctx context.Context) error {
	evs := make([]*event.Event, 0, l.cfg.BatchSize)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var lost int64
	flush := func() {
		if len(evs) == 0 {
			return
		}
		if err := l.accept(ctx, evs); err != nil {
			lost += int64(len(evs))
		}
		for i, ev := range evs {
			ev.Reset()
			l.pool.Put(ev)
			evs[i] = nil
		}
		evs = evs[:0]
	}
	for {
		select {
		case ev, ok := <-l.queue:
			if !ok {
				flush()
				return l.lostErr(lost)
			}
			evs = append(evs, ev)
			if len(evs) == 1 {
				timer.Reset(l.cfg.BatchDelay)
			}
			if len(evs) == cap(evs) {
				timer.Stop()
				flush()
			}
		case <-timer.C:
			flush()
		}
	}
}

// lostErr records and reports events that were read but never stored.
func (l *Listener) lostErr(n int64) error {
	if n == 0 {
		return nil
	}
	l.stats.lost.Add(n)
	l.log.Error("syslog listener stopped with events not stored", "lost", n, "drain_timeout", l.cfg.DrainTimeout)
	return fmt.Errorf("syslog listener: %d events read but not stored within the drain timeout of %v", n, l.cfg.DrainTimeout)
}

// accept hands one batch to the sink, retrying after any error with a
// backoff that grows to a second, so that nothing read is dropped while
// the sink recovers. It gives up only when ctx is cancelled.
func (l *Listener) accept(ctx context.Context, evs []*event.Event) error {
	pause := 10 * time.Millisecond
	for {
		err := l.sink.Accept(ctx, evs)
		if err == nil {
			l.stats.batches.Add(1)
			l.stats.events.Add(int64(len(evs)))
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.stats.sinkRetries.Add(1)
		if !errors.Is(err, ingest.ErrOverloaded) {
			l.log.Warn("syslog sink failed; retrying", "events", len(evs), "err", err, "wait", pause)
		}
		if wait.Sleep(ctx, pause) != nil {
			return ctx.Err()
		}
		pause = min(2*pause, time.Second)
	}
}
