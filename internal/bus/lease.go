package bus

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// lease is a partition held by this node. Two goroutines serve it: the
// worker delivers the partition to the handler, the keeper renews the
// lease, each on its own so that neither a slow handler nor a slow round of
// the member delays a renewal.
type lease struct {
	p      int
	epoch  uint64        // the bucket revision that claimed it
	rev    uint64        // the bucket revision of its last renewal; the keeper's until done
	until  atomic.Int64  // Unix nanoseconds until which it is taken as held
	cancel func()        // ends the worker and the keeper
	done   chan struct{} // closed when both have returned and the key is deleted
}

func (l *lease) held() bool { return time.Now().UnixNano() < l.until.Load() }

// stop ends the lease and waits until its partition is no longer delivered
// and its key deleted.
func (l *lease) stop() {
	l.cancel()
	<-l.done
}

// start serves partition p, claimed at bucket revision epoch by a request
// sent at sent, until ctx ends, the lease is lost or the handler fenced.
// Whatever ends it, the partition stops being delivered, then the lease is
// deleted if this node still holds it, so that another node takes it at
// once.
func (m *member) start(ctx context.Context, p int, epoch uint64, sent time.Time) *lease {
	lctx, cancel := context.WithCancel(ctx)
	l := &lease{p: p, epoch: epoch, rev: epoch, cancel: cancel, done: make(chan struct{})}
	l.until.Store(sent.Add(m.validFor).UnixNano())
	m.log.Info("bus: partition claimed", "partition", p, "epoch", epoch)
	lag := m.b.trackLag(p)
	go func() {
		defer close(l.done)
		var wg sync.WaitGroup
		wg.Go(func() {
			defer cancel() // a fenced worker ends the keeper too
			m.work(lctx, l, lag)
		})
		lost := m.keep(lctx, l)
		cancel()
		wg.Wait()
		if !lost {
			m.deleteLease(l)
		}
	}()
	return l
}

// keep renews l every tick until ctx ends (false) or the lease is lost
// (true), and gives it up when renewals fail until it may have expired.
func (m *member) keep(ctx context.Context, l *lease) (lost bool) {
	t := time.NewTicker(m.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
		sent := time.Now()
		var rev uint64
		err := m.op(ctx, func(ctx context.Context) (err error) {
			rev, err = m.b.kv.Update(ctx, leaseKey(l.p), m.value, l.rev)
			return err
		})
		if errors.Is(err, jetstream.ErrKeyExists) {
			if r, ok := m.stillOurs(ctx, l.p); ok { // an earlier renewal was stored but its answer lost
				l.rev = r
				continue
			}
		}
		switch {
		case err == nil:
			l.rev = rev
			l.until.Store(sent.Add(m.validFor).UnixNano())
		case errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyNotFound):
			m.log.Warn("bus: partition lease lost", "partition", l.p, "epoch", l.epoch, "err", err)
			return true
		case ctx.Err() != nil:
			return false
		case !l.held():
			m.log.Warn("bus: partition lease not renewed in time; giving it up", "partition", l.p, "epoch", l.epoch, "err", err)
			return false
		default:
			m.log.Debug("bus: renew partition lease", "partition", l.p, "err", err)
		}
	}
}

// stillOurs reads partition p's lease after a renewal was refused for its
// revision: if it holds this node's value, an earlier renewal whose answer
// was lost (a timeout) was stored after all, and the lease goes on from
// the revision returned. No other node writes this value, so the lease is
// intact.
func (m *member) stillOurs(ctx context.Context, p int) (uint64, bool) {
	var e jetstream.KeyValueEntry
	err := m.op(ctx, func(ctx context.Context) (err error) {
		e, err = m.b.kv.Get(ctx, leaseKey(p))
		return err
	})
	if err != nil || !bytes.Equal(e.Value(), m.value) {
		return 0, false
	}
	return e.Revision(), true
}

// deleteLease deletes l's key if it is still at the revision this node
// last wrote: never another node's lease. A renewal cut short by the end of
// the lease may have been stored after all, leaving the key a revision
// ahead; the key is read again and, if it still holds this node's value,
// deleted at that revision. If that fails too, the lease expires.
func (m *member) deleteLease(l *lease) {
	ctx := context.Background()
	rev := l.rev
	for range 2 {
		err := m.op(ctx, func(ctx context.Context) error {
			return m.b.kv.Delete(ctx, leaseKey(l.p), jetstream.LastRevision(rev))
		})
		if err == nil {
			return
		}
		r, ours := m.stillOurs(ctx, l.p)
		if !ours || r == rev {
			m.log.Debug("bus: delete partition lease (it expires instead)", "partition", l.p, "err", err)
			return
		}
		rev = r
	}
}
