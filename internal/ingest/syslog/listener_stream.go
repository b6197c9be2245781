package syslog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/wait"
)

// serveStream accepts TCP or TLS connections until ctx is cancelled and
// serves each in its own goroutine of g, so that Run waits for them all.
func (l *Listener) serveStream(ctx context.Context, g *errgroup.Group, ln net.Listener, tc *transportCounters) error {
	name := "syslog/tcp"
	if tc == &l.stats.tls {
		name = "syslog/tls"
	}
	delay := 5 * time.Millisecond
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				// Out of file descriptors or a transient failure: wait
				// rather than spin or give up on every sender.
				l.log.Warn("syslog accept failed; retrying", "listener", name, "err", err, "wait", delay)
				if wait.Sleep(ctx, delay) != nil {
					return nil
				}
				delay = min(2*delay, time.Second)
				continue
			}
			return fmt.Errorf("syslog listener %s on %s: %w", name, ln.Addr(), err)
		}
		delay = 5 * time.Millisecond
		if !l.track(conn) {
			conn.Close()
			return nil
		}
		l.stats.connsAccepted.Add(1)
		g.Go(func() error {
			defer l.untrack(conn)
			defer conn.Close()
			l.serveConn(conn, name, tc)
			return nil
		})
	}
}

// serveConn reads messages from one connection until it ends, is idle for
// IdleTimeout, or the listener closes it. One bad message never ends it.
func (l *Listener) serveConn(conn net.Conn, name string, tc *transportCounters) {
	peer := conn.RemoteAddr().String()
	host := hostOf(conn.RemoteAddr())
	f := newFramer(idleReader{conn, l.cfg.IdleTimeout}, l.cfg.MaxMessage)
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
		case isTimeout(err):
			l.log.Info("syslog connection idle; closed", "listener", name, "peer", peer, "idle", l.cfg.IdleTimeout)
		default:
			l.log.Warn("syslog connection failed", "listener", name, "peer", peer, "err", err)
		}
		return
	}
}

// idleReader sets a read deadline before each read, so that a connection
// that sends nothing for the timeout ends.
type idleReader struct {
	conn net.Conn
	idle time.Duration
}

func (r idleReader) Read(p []byte) (int, error) {
	if err := r.conn.SetReadDeadline(time.Now().Add(r.idle)); err != nil {
		return 0, err
	}
	return r.conn.Read(p)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// hostOf returns the IP address of a peer, without the port.
func hostOf(a net.Addr) string {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.String()
	case *net.UDPAddr:
		return a.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}
