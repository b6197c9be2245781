package syslog

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vigilhealth/vigil/internal/ingest/netconn"
)

// serveUDP reads one message per datagram until ctx is cancelled. It never
// waits for the queue: a datagram that finds it full is dropped and
// counted.
func (l *Listener) serveUDP(ctx context.Context) error {
	// One byte more than MaxMessage tells an oversized datagram (the
	// kernel cuts it to the buffer) from one that fits exactly.
	buf := make([]byte, min(l.cfg.MaxMessage, 65535)+1)
	var lastAddr netip.AddrPort
	var peer, host string
	for {
		n, addr, err := l.udp.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			if netconn.IsTimeout(err) {
				continue
			}
			return fmt.Errorf("syslog listener syslog/udp on %s: %w", l.udp.LocalAddr(), err)
		}
		if ua, ok := addr.(*net.UDPAddr); ok {
			if ap := ua.AddrPort(); ap != lastAddr { // a sender usually sends many
				lastAddr, peer, host = ap, ap.String(), ap.Addr().Unmap().String()
			}
		} else {
			peer, host = addr.String(), netconn.PeerIP(addr)
		}
		msg := buf[:n]
		var reason error
		if n > l.cfg.MaxMessage {
			msg = msg[:l.cfg.MaxMessage]
			reason = fmt.Errorf("%w: datagram over the %d-byte limit; kept the first %d bytes", ErrOversize, l.cfg.MaxMessage, l.cfg.MaxMessage)
		}
		l.handle(msg, reason, "syslog/udp", peer, host, &l.stats.udp, false)
	}
}
