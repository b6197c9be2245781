package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

// syslogBatch is how many messages the crash test's syslog sender writes
// per connection.
const syslogBatch = 50

// syslogSender streams syslog messages over TCP to whichever process is
// current, one connection per batch, and decides which were acknowledged.
//
// Syslog over TCP has no acknowledgement: a sender only knows what it
// wrote, and the kernel accepts bytes that a process killed a moment later
// never read. So a batch counts as acknowledged only when (1) its
// connection ended cleanly (every byte written; the service closed its
// side after reading to our end of stream) and then (2) the same process
// reported in GET /api/v1/stats that its syslog listener had made durable
// (events_in.syslog, counted once the write-ahead log has the events on
// disk) at least as many events as were ever written to it. One sender at
// a time makes (2) exact: no other connection can make up the count. A
// batch whose process dies before (2) holds, or whose write fails, has an
// unknown fate; a failure also counts its batch as written, so that no
// later batch on that process can be acknowledged by mistake.
type syslogSender struct {
	next       atomic.Uint64 // last sequence number used
	acked      sync.Map      // sequence number → true
	ackedCount atomic.Int64
	unknown    atomic.Int64
}

// run sends batches until ctx is cancelled.
func (s *syslogSender) run(ctx context.Context, current *atomic.Pointer[vigilProc]) {
	for ctx.Err() == nil {
		p := current.Load()
		first := s.next.Add(syslogBatch) - syslogBatch + 1
		err := p.sendSyslog(first)
		written := p.tcpSent.Add(syslogBatch)
		if err == nil && p.syslogDurable(ctx, written, current) {
			for n := first; n < first+syslogBatch; n++ {
				s.acked.Store(n, true)
			}
			s.ackedCount.Add(syslogBatch)
			continue
		}
		s.unknown.Add(syslogBatch)
		time.Sleep(20 * time.Millisecond) // the service is down: wait for the next one
	}
}

// sendSyslog writes messages first..first+syslogBatch-1 on a new
// connection, octet-counted (RFC 6587), half-closes it and reads until the
// service closes its side.
func (p *vigilProc) sendSyslog(first uint64) error {
	conn, err := net.DialTimeout("tcp", p.tcp, 2*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b []byte
	for n := first; n < first+syslogBatch; n++ {
		msg := crashSyslog(n)
		b = fmt.Appendf(b, "%d %s", len(msg), msg)
	}
	if _, err := conn.Write(b); err != nil {
		return err
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		return err
	}
	if n, err := io.Copy(io.Discard, conn); err != nil || n != 0 {
		return fmt.Errorf("syslog connection did not end cleanly: %d bytes, %v", n, err)
	}
	return nil
}

// syslogDurable waits until p reports want syslog events durable, and
// says whether it did before p stopped being current or ctx ended.
func (p *vigilProc) syslogDurable(ctx context.Context, want int64, current *atomic.Pointer[vigilProc]) bool {
	deadline := time.Now().Add(10 * time.Second)
	for ctx.Err() == nil && current.Load() == p && time.Now().Before(deadline) {
		var st crashStats
		if err := p.get("/api/v1/stats", &st); err == nil && st.EventsIn["syslog"] >= want {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// crashSyslog is an RFC 5424 sshd login on one of eight Linux hosts, with
// its sequence number in the message.
func crashSyslog(n uint64) string {
	at := time.Date(2017, 5, 12, 11, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Millisecond)
	return fmt.Sprintf("<38>1 %s LNX-%02d.nht.example sshd 4242 - - Accepted publickey for svc-backup from 10.0.0.5 port 22 ssh2 seq=%d",
		at.Format(time.RFC3339Nano), n%8, n)
}

var messageField = event.Intern("message")

// syslogSeq reads the sequence number crashSyslog put in a message.
func syslogSeq(ev *event.Event) (uint64, error) {
	msg, _ := ev.Get(messageField)
	_, s, ok := strings.Cut(msg, " seq=")
	if !ok {
		return 0, errors.New("syslog event without a sequence number: " + msg)
	}
	return strconv.ParseUint(s, 10, 64)
}
