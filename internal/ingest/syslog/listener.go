package syslog

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/ingest/netconn"
)

// Listener defaults.
const (
	DefaultMaxMessage   = 64 << 10
	DefaultBatchSize    = 1024
	DefaultBatchers     = 4
	DefaultBatchDelay   = 100 * time.Millisecond
	DefaultIdleTimeout  = 5 * time.Minute
	DefaultDrainTimeout = 10 * time.Second
)

// ListenerConfig says where a Listener listens and how it batches. Zero
// values take the defaults above.
type ListenerConfig struct {
	UDP, TCP, TLS string      // listen addresses ("host:port"); "" leaves the transport off
	TLSConfig     *tls.Config // required when TLS is set; needs a certificate
	MaxMessage    int         // longest message in bytes; longer ones are quarantined, cut to this
	BatchSize     int         // most events handed to the sink at once
	// Batchers is how many batches may be on their way to the sink at
	// once: with several in flight a write-ahead log commits them together
	// (one fsync for all), instead of one fsync per batch in turn. Events
	// of different batches may reach the sink out of arrival order.
	Batchers    int
	BatchDelay  time.Duration
	IdleTimeout time.Duration    // a TCP or TLS connection silent this long is closed
	Reference   func() time.Time // the reference time for BSD timestamps; nil means time.Now

	// QueueSize bounds the events parsed but not yet handed to the sink
	// (default 2×Batchers×BatchSize). When it is full TCP and TLS connections wait
	// and UDP datagrams are dropped.
	QueueSize int
	// DrainTimeout bounds how long Run keeps handing the queued events to
	// the sink after its context is cancelled.
	DrainTimeout time.Duration
}

// withDefaults fills in the zero values and checks the rest.
func (c ListenerConfig) withDefaults() (ListenerConfig, error) {
	if c.UDP == "" && c.TCP == "" && c.TLS == "" {
		return c, errors.New("syslog listener: no address: set UDP, TCP or TLS")
	}
	if c.TLS != "" && !netconn.HasCertificate(c.TLSConfig) {
		return c, fmt.Errorf("syslog listener: TLS address %s needs a TLSConfig with a certificate", c.TLS)
	}
	for _, v := range []struct {
		name string
		n    int64
	}{{"MaxMessage", int64(c.MaxMessage)}, {"BatchSize", int64(c.BatchSize)}, {"Batchers", int64(c.Batchers)}, {"QueueSize", int64(c.QueueSize)},
		{"BatchDelay", int64(c.BatchDelay)}, {"IdleTimeout", int64(c.IdleTimeout)}, {"DrainTimeout", int64(c.DrainTimeout)}} {
		if v.n < 0 {
			return c, fmt.Errorf("syslog listener: %s is negative (%d)", v.name, v.n)
		}
	}
	c.MaxMessage = cmp.Or(c.MaxMessage, DefaultMaxMessage)
	c.BatchSize = cmp.Or(c.BatchSize, DefaultBatchSize)
	c.Batchers = cmp.Or(c.Batchers, DefaultBatchers)
	c.QueueSize = cmp.Or(c.QueueSize, 2*c.Batchers*c.BatchSize)
	c.BatchDelay = cmp.Or(c.BatchDelay, DefaultBatchDelay)
	c.IdleTimeout = cmp.Or(c.IdleTimeout, DefaultIdleTimeout)
	c.DrainTimeout = cmp.Or(c.DrainTimeout, DefaultDrainTimeout)
	if c.Reference == nil {
		c.Reference = time.Now
	}
	return c, nil
}

// Listener receives syslog messages over UDP, TCP and TLS, parses them with
// Parse, and hands the events to an ingest.Sink in batches. Messages that
// give no event (binary data, oversized messages, frames cut short) go to
// the quarantine with the reason; a message whose payload is only partly
// malformed still gives its event and is counted in ParseErrors.
//
// Flow control: one bounded queue sits between the connections and the
// sink. While the sink blocks, or answers ingest.ErrOverloaded (retried
// with a backoff of up to a second, never dropped), the queue fills; then
// TCP and TLS connections are not read, so their senders slow down, and
// UDP datagrams are dropped and counted, as nothing can slow a UDP sender.
//
// Events carry Source "syslog/udp", "syslog/tcp" or "syslog/tls", and Host
// from the message, else the sender's IP address.
type Listener struct {
	cfg   ListenerConfig
	sink  ingest.Sink
	q     ingest.Quarantine
	log   *slog.Logger
	udp   net.PacketConn
	tcp   net.Listener
	tls   net.Listener
	queue chan *event.Event
	pool  sync.Pool
	stats counters

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// NewListener binds the configured addresses at once, so that Addrs gives
// the ports, and returns a Listener that Run serves. A nil logger logs
// nothing. Run must be called to serve and to release the sockets.
func NewListener(cfg ListenerConfig, sink ingest.Sink, q ingest.Quarantine, log *slog.Logger) (*Listener, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if sink == nil || q == nil {
		return nil, errors.New("syslog listener: sink and quarantine are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Listener{cfg: cfg, sink: sink, q: q, log: log,
		queue: make(chan *event.Event, cfg.QueueSize), conns: map[net.Conn]struct{}{}}
	l.pool.New = func() any { return new(event.Event) }
	if err := l.bind(); err != nil {
		l.closeSockets()
		return nil, err
	}
	return l, nil
}

// bind opens the configured sockets.
func (l *Listener) bind() error {
	var err error
	if a := l.cfg.UDP; a != "" {
		if l.udp, err = net.ListenPacket("udp", a); err != nil {
			return fmt.Errorf("syslog listener: UDP %s: %w", a, err)
		}
	}
	if a := l.cfg.TCP; a != "" {
		if l.tcp, err = net.Listen("tcp", a); err != nil {
			return fmt.Errorf("syslog listener: TCP %s: %w", a, err)
		}
	}
	if a := l.cfg.TLS; a != "" {
		inner, err := net.Listen("tcp", a)
		if err != nil {
			return fmt.Errorf("syslog listener: TLS %s: %w", a, err)
		}
		l.tls = tls.NewListener(inner, l.cfg.TLSConfig)
	}
	return nil
}

// Addrs returns the bound addresses; nil for a transport that is off.
func (l *Listener) Addrs() (udp, tcp, tls net.Addr) {
	if l.udp != nil {
		udp = l.udp.LocalAddr()
	}
	if l.tcp != nil {
		tcp = l.tcp.Addr()
	}
	if l.tls != nil {
		tls = l.tls.Addr()
	}
	return udp, tcp, tls
}

// Run serves until ctx is cancelled, then closes the sockets and every
// connection, hands what was already read to the sink (for at most
// DrainTimeout), and returns once every goroutine it started has ended. It
// returns nil after a cancellation in which nothing was lost, and otherwise
// the error that stopped it (a listening socket that failed) or says how
// many events were read but never stored. Run may be called once.
func (l *Listener) Run(ctx context.Context) error {
	acceptCtx, stopAccepting := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAccepting()
	batchDone := make(chan struct{})
	var g errgroup.Group
	var batchers sync.WaitGroup
	for range l.cfg.Batchers {
		batchers.Add(1)
		g.Go(func() error {
			defer batchers.Done()
			return l.batch(acceptCtx)
		})
	}
	go func() {
		batchers.Wait()
		close(batchDone)
	}()
	g.Go(func() error {
		err := l.read(ctx)
		close(l.queue) // every reader has ended: the batcher drains and stops
		return err
	})
	g.Go(func() error { // the drain deadline
		select {
		case <-batchDone:
			return nil
		case <-ctx.Done():
		}
		t := time.NewTimer(l.cfg.DrainTimeout)
		defer t.Stop()
		select {
		case <-batchDone:
		case <-t.C:
			stopAccepting()
		}
		return nil
	})
	return g.Wait()
}

// read runs the readers of every transport until ctx is cancelled or one
// fails, and closes the sockets.
func (l *Listener) read(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		<-gctx.Done()
		l.closeSockets()
		return nil
	})
	if l.udp != nil {
		g.Go(func() error { return l.serveUDP(gctx) })
	}
	if l.tcp != nil {
		g.Go(func() error { return l.serveStream(gctx, g, l.tcp, &l.stats.tcp) })
	}
	if l.tls != nil {
		g.Go(func() error { return l.serveStream(gctx, g, l.tls, &l.stats.tls) })
	}
	return g.Wait()
}

// closeSockets closes the listening sockets and every open connection, and
// makes connections accepted later close at once.
func (l *Listener) closeSockets() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for _, c := range []interface{ Close() error }{l.udp, l.tcp, l.tls} {
		if c != nil { // a nil socket (transport off) converts to a nil interface
			c.Close()
		}
	}
	for c := range l.conns {
		c.Close()
	}
}

// track records an open connection so that shutdown can close it; it
// reports false when the listener is already closing.
func (l *Listener) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.conns[c] = struct{}{}
	l.stats.conns.Add(1)
	return true
}

// untrack forgets a connection that has ended.
func (l *Listener) untrack(c net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, c)
	l.stats.conns.Add(-1)
}

// reference returns the reference time for BSD timestamps.
func (l *Listener) reference() time.Time { return l.cfg.Reference() }
