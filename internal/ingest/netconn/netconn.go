// Package netconn holds what the stream listeners (syslog over TCP and TLS,
// HL7 v2 over MLLP) share about their connections: the accept loop that
// rides out transient failures, idle timeouts, and the sender's address.
package netconn

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/vigilhealth/vigil/internal/wait"
)

// Serve accepts connections on ln until ctx is cancelled (then it returns
// nil; the caller closes ln to end a blocked Accept) and hands each to
// handle, which must not block (it starts the connection's goroutine) and
// returns false to stop accepting. A transient failure (a timeout, out of
// file descriptors) is logged and retried with a backoff of up to a second
// rather than ending the listener; another failure is returned, naming
// name and the address.
func Serve(ctx context.Context, ln net.Listener, log *slog.Logger, name string, handle func(net.Conn) bool) error {
	delay := 5 * time.Millisecond
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if !transient(err) {
				return fmt.Errorf("%s on %s: %w", name, ln.Addr(), err)
			}
			// Wait rather than spin or give up on every sender.
			log.Warn("accept failed; retrying", "listener", name, "err", err, "wait", delay)
			if wait.Sleep(ctx, delay) != nil {
				return nil
			}
			delay = min(2*delay, time.Second)
			continue
		}
		delay = 5 * time.Millisecond
		if !handle(conn) {
			return nil
		}
	}
}

func transient(err error) bool {
	return IsTimeout(err) || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// IdleReader reads from conn, setting a read deadline before each read, so
// that a connection that sends nothing for idle ends with a timeout.
func IdleReader(conn net.Conn, idle time.Duration) io.Reader { return idleReader{conn, idle} }

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

// IsTimeout reports a network timeout, such as an idle connection's.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// PeerIP returns the IP address of a peer, without the port.
func PeerIP(a net.Addr) string {
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

// HasCertificate reports whether cfg can present a server certificate,
// which a TLS listener needs.
func HasCertificate(cfg *tls.Config) bool {
	return cfg != nil && (len(cfg.Certificates) > 0 || cfg.GetCertificate != nil || cfg.GetConfigForClient != nil)
}
