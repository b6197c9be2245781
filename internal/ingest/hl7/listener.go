package hl7

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

	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/ingest/netconn"
)

// Listener defaults.
const (
	DefaultMaxMessage  = 1 << 20
	DefaultMaxConns    = 256
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultDrainTimeout bounds how long Run lets messages in hand finish
	// (stored and acknowledged) after its context is cancelled.
	DefaultDrainTimeout = 10 * time.Second
)

// ListenerConfig says where a Listener listens and what it bounds. Zero
// values take the defaults above.
type ListenerConfig struct {
	TCP, TLS     string      // listen addresses ("host:port"); "" leaves the transport off
	TLSConfig    *tls.Config // required when TLS is set; needs a certificate
	MaxMessage   int         // largest message in bytes; a larger one is rejected (AR)
	MaxConns     int         // most connections open at once; more are closed at once
	IdleTimeout  time.Duration
	DrainTimeout time.Duration
	Now          func() time.Time // the time written in ACKs; nil means time.Now
}

func (c ListenerConfig) withDefaults() (ListenerConfig, error) {
	if c.TCP == "" && c.TLS == "" {
		return c, errors.New("hl7 listener: no address: set TCP or TLS")
	}
	if c.TLS != "" && !netconn.HasCertificate(c.TLSConfig) {
		return c, fmt.Errorf("hl7 listener: TLS address %s needs a TLSConfig with a certificate", c.TLS)
	}
	if c.MaxMessage < 0 || c.MaxConns < 0 || c.IdleTimeout < 0 || c.DrainTimeout < 0 {
		return c, errors.New("hl7 listener: MaxMessage, MaxConns, IdleTimeout and DrainTimeout must not be negative")
	}
	c.MaxMessage = cmp.Or(c.MaxMessage, DefaultMaxMessage)
	c.MaxConns = cmp.Or(c.MaxConns, DefaultMaxConns)
	c.IdleTimeout = cmp.Or(c.IdleTimeout, DefaultIdleTimeout)
	c.DrainTimeout = cmp.Or(c.DrainTimeout, DefaultDrainTimeout)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// Listener receives HL7 v2 messages over MLLP (plain TCP, or TLS), turns
// each into an event with ToEvent, hands it to an ingest.Sink and, once the
// sink has made it durable, answers the sender with an ACK: AA when it is
// stored; AR for a message whose MSH cannot be read or that is over
// MaxMessage; AE for a message whose body is malformed or that the sink
// failed to store. Every AR and AE carries an ERR segment naming the
// problem, and a malformed message goes to the quarantine with its reason.
//
// Flow control: a connection handles one message at a time and reads the
// next only after answering, as MLLP senders wait for each ACK. While the
// sink answers ingest.ErrOverloaded the listener retries (with a backoff of
// up to a second) and does not read, so the sender slows down; nothing is
// acknowledged that is not durable.
//
// Events carry Source "hl7/mllp" or "hl7/tls", and Host from MSH-4 (else
// MSH-3, else the sender's IP address).
type Listener struct {
	cfg   ListenerConfig
	sink  ingest.Sink
	q     ingest.Quarantine
	log   *slog.Logger
	tcp   net.Listener
	tls   net.Listener
	stats counters

	mu      sync.Mutex
	conns   map[net.Conn]*connState
	closing bool
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
		return nil, errors.New("hl7 listener: sink and quarantine are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Listener{cfg: cfg, sink: sink, q: q, log: log, conns: map[net.Conn]*connState{}}
	l.stats.types = map[string]int64{}
	if a := cfg.TCP; a != "" {
		if l.tcp, err = net.Listen("tcp", a); err != nil {
			return nil, fmt.Errorf("hl7 listener: MLLP %s: %w", a, err)
		}
	}
	if a := cfg.TLS; a != "" {
		inner, err := net.Listen("tcp", a)
		if err != nil {
			l.closeSockets()
			return nil, fmt.Errorf("hl7 listener: MLLP over TLS %s: %w", a, err)
		}
		l.tls = tls.NewListener(inner, cfg.TLSConfig)
	}
	return l, nil
}

// Addrs returns the bound addresses; nil for a transport that is off.
func (l *Listener) Addrs() (tcp, tls net.Addr) {
	if l.tcp != nil {
		tcp = l.tcp.Addr()
	}
	if l.tls != nil {
		tls = l.tls.Addr()
	}
	return tcp, tls
}

// Run serves until ctx is cancelled, then closes the sockets and the idle
// connections, lets a message in hand be stored and acknowledged (for at
// most DrainTimeout), and returns once every goroutine it started has
// ended. It returns nil after a cancellation, and otherwise the error of a
// listening socket that failed. Run may be called once.
func (l *Listener) Run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	// Messages in hand are stored under a context that outlives ctx by
	// DrainTimeout, so that what was read at shutdown is still answered.
	drainCtx, stopDrain := context.WithCancel(context.WithoutCancel(ctx))
	defer stopDrain()
	g.Go(func() error {
		<-gctx.Done()
		l.closeSockets()
		t := time.AfterFunc(l.cfg.DrainTimeout, stopDrain)
		defer t.Stop()
		return nil
	})
	for _, ln := range []struct {
		ln   net.Listener
		name string
	}{{l.tcp, "hl7/mllp"}, {l.tls, "hl7/tls"}} {
		if ln.ln != nil {
			g.Go(func() error { return l.serve(gctx, drainCtx, g, ln.ln, ln.name) })
		}
	}
	return g.Wait()
}

// serve accepts connections until ctx is cancelled and serves each in its
// own goroutine of g, so that Run waits for them all.
func (l *Listener) serve(ctx, drainCtx context.Context, g *errgroup.Group, ln net.Listener, name string) error {
	err := netconn.Serve(ctx, ln, l.log, name, func(conn net.Conn) bool {
		st, ok := l.track(conn)
		if !ok {
			conn.Close()
			return true
		}
		g.Go(func() error {
			defer l.untrack(conn)
			defer conn.Close()
			l.serveConn(ctx, drainCtx, conn, st, name)
			return nil
		})
		return true
	})
	if err != nil {
		return fmt.Errorf("hl7 listener: %w", err)
	}
	return nil
}

// track records an open connection so that shutdown can close it. It
// reports false when the listener is closing or MaxConns are open.
func (l *Listener) track(c net.Conn) (*connState, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return nil, false
	}
	if len(l.conns) >= l.cfg.MaxConns {
		l.stats.connsRefused.Add(1)
		l.log.Warn("hl7 connection refused: too many open", "peer", c.RemoteAddr().String(), "max_connections", l.cfg.MaxConns)
		return nil, false
	}
	st := &connState{}
	l.conns[c] = st
	l.stats.conns.Add(1)
	l.stats.connsAccepted.Add(1)
	return st, true
}

// untrack forgets a connection that has ended.
func (l *Listener) untrack(c net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, c)
	l.stats.conns.Add(-1)
}

// closeSockets closes the listening sockets and every connection that is
// not handling a message; a busy one closes itself once it has answered.
func (l *Listener) closeSockets() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closing = true
	for _, ln := range []net.Listener{l.tcp, l.tls} {
		if ln != nil {
			ln.Close()
		}
	}
	for c, st := range l.conns {
		if !st.busy {
			c.Close()
		}
	}
}

// connState says whether a connection is handling a message, which
// shutdown must let finish.
type connState struct{ busy bool }

// begin marks a connection busy with a message, or reports false when the
// listener is closing and the message must be left unanswered.
func (l *Listener) begin(st *connState) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return false
	}
	st.busy = true
	return true
}

// end marks a connection idle again, and reports false when the listener
// is closing, so that the connection ends.
func (l *Listener) end(st *connState) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	st.busy = false
	return !l.closing
}
