package syslog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/ingest/netconn"
)

// serveStream accepts TCP or TLS connections until ctx is cancelled and
// serves each in its own goroutine of g, so that Run waits for them all.
func (l *Listener) serveStream(ctx context.Context, g *errgroup.Group, ln net.Listener, tc *transportCounters) error {
	name := "syslog/tcp"
	if tc == &l.stats.tls {
		name = "syslog/tls"
	}
	err := netconn.Serve(ctx, ln, l.log, name, func(conn net.Conn) bool {
		if !l.track(conn) {
			conn.Close()
			return false
		}
		l.stats.connsAccepted.Add(1)
		g.Go(func() error {
			defer l.untrack(conn)
			defer conn.Close()
			l.serveConn(conn, name, tc)
			return nil
		})
		return true
	})
	if err != nil {
		return fmt.Errorf("syslog listener %w", err)
	}
	return nil
}

// serveConn reads messages from one connection until it ends, is idle for
// IdleTimeout, or the listener closes it. One bad message never ends it.
func (l *Listener) serveConn(conn net.Conn, name string, tc *transportCounters) {
	peer := conn.RemoteAddr().String()
	host := netconn.PeerIP(conn.RemoteAddr())
	f := newFramer(netconn.IdleReader(conn, l.cfg.IdleTimeout), l.cfg.MaxMessage)
	for {
		msg, err := f.next()
		switch {
		case err == nil:
			l.handle(msg, nil, name, peer, host, tc, true)
			continue
		case errors.Is(err, ErrOversize), errors.Is(err, ErrShortFrame):
			l.handle(msg, err, name, peer, host, tc, true)
			continue
		case err == io.EOF, errors.Is(err, net.ErrClosed):
		case netconn.IsTimeout(err):
			l.log.Info("syslog connection idle; closed", "listener", name, "peer", peer, "idle", l.cfg.IdleTimeout)
		default:
			l.log.Warn("syslog connection failed", "listener", name, "peer", peer, "err", err)
		}
		return
	}
}
