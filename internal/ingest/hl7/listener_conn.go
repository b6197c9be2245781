package hl7

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/ingest/netconn"
	"github.com/vigilhealth/vigil/internal/wait"
)

// writeTimeout bounds how long an ACK may take to write, so that a sender
// that stops reading does not hold a connection for ever.
const writeTimeout = 30 * time.Second

// conn is one MLLP connection being served.
type conn struct {
	l     *Listener
	c     net.Conn
	name  string // hl7/mllp or hl7/tls
	peer  string
	host  string
	ev    event.Event // reused for each message
	batch [1]*event.Event
}

// serveConn reads messages from one connection until it ends, is idle for
// IdleTimeout, or the listener closes. One bad message never ends it.
func (l *Listener) serveConn(ctx, drainCtx context.Context, c net.Conn, st *connState, name string) {
	cn := &conn{l: l, c: c, name: name, peer: c.RemoteAddr().String(), host: netconn.PeerIP(c.RemoteAddr())}
	cn.batch[0] = &cn.ev
	r := NewMLLPReader(netconn.IdleReader(c, l.cfg.IdleTimeout), l.cfg.MaxMessage)
	for {
		msg, err := r.Next()
		var fe *FrameError
		switch {
		case err == nil:
		case errors.As(err, &fe) && fe.Oversize:
			msg = nil
		case errors.As(err, &fe) && !errors.Is(err, io.ErrUnexpectedEOF):
			// Bytes outside any frame: no sender waits for an answer.
			l.stats.frameErrors.Add(1)
			l.log.Warn("hl7 framing error", "listener", name, "peer", cn.peer, "err", err)
			continue
		default:
			cn.logEnd(err)
			return
		}
		if !l.begin(st) {
			return
		}
		ok := cn.handle(ctx, drainCtx, msg, err)
		if !l.end(st) || !ok {
			return
		}
	}
}

// logEnd logs why a connection ended, unless it simply closed.
func (cn *conn) logEnd(err error) {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
	case netconn.IsTimeout(err):
		cn.l.log.Info("hl7 connection idle; closed", "listener", cn.name, "peer", cn.peer, "idle", cn.l.cfg.IdleTimeout)
	default:
		cn.l.log.Warn("hl7 connection failed", "listener", cn.name, "peer", cn.peer, "err", err)
	}
}

// handle answers one message (or an oversize frame, with frameErr set):
// parse, store, acknowledge. It reports false when the connection must end:
// the ACK could not be written, or the message could not be stored before
// shutdown (it is left unanswered, so the sender sends it again).
func (cn *conn) handle(ctx, drainCtx context.Context, raw []byte, frameErr error) bool {
	l := cn.l
	l.stats.messages.Add(1)
	if frameErr != nil {
		l.stats.rejected.Add(1)
		cn.quarantine(raw, frameErr)
		return cn.reply(reject(nil, codeReject, errTooLarge, frameErr.Error(), l.cfg.Now()).bytes())
	}
	m, err := Parse(raw)
	if err != nil {
		l.stats.rejected.Add(1)
		cn.quarantine(raw, err)
		return cn.reply(rejectUnparsed(raw, err, l.cfg.Now()))
	}
	cn.ev.Reset()
	ToEvent(m, &cn.ev)
	cn.ev.Source = cn.name
	if cn.ev.Host == "" {
		cn.ev.Host = cn.host
	}
	if err := cn.store(ctx, drainCtx); err != nil {
		if drainCtx.Err() != nil || ctx.Err() != nil && errors.Is(err, ingest.ErrOverloaded) {
			return false // shutting down: unanswered, so the sender resends
		}
		l.stats.storeErrors.Add(1)
		l.log.Error("hl7 message not stored", "listener", cn.name, "peer", cn.peer, "control_id", m.ControlID(), "err", err)
		return cn.reply(reject(m, codeError, errInternal, "message not stored; send it again", l.cfg.Now()).bytes())
	}
	code, trigger, _ := m.Type()
	l.stats.accepted(code, trigger)
	return cn.reply(ACK(m, "AA", "", l.cfg.Now()))
}

// store hands the event to the sink, retrying while the sink is
// overloaded (the connection is not read meanwhile). Accept runs under
// drainCtx so that a message read before shutdown is still stored.
func (cn *conn) store(ctx, drainCtx context.Context) error {
	pause := 10 * time.Millisecond
	for {
		err := cn.l.sink.Accept(drainCtx, cn.batch[:])
		if !errors.Is(err, ingest.ErrOverloaded) {
			return err
		}
		cn.l.stats.overloads.Add(1)
		if wait.Sleep(ctx, pause) != nil {
			return err
		}
		pause = min(2*pause, time.Second)
	}
}

// reply writes an ACK, and reports whether it could.
func (cn *conn) reply(ack []byte) bool {
	if err := cn.c.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return false
	}
	if err := WriteMLLP(cn.c, ack); err != nil {
		cn.l.log.Warn("hl7 ACK not written", "listener", cn.name, "peer", cn.peer, "err", err)
		return false
	}
	return true
}

// quarantine hands a message that gave no event to the quarantine.
func (cn *conn) quarantine(raw []byte, reason error) {
	cn.l.stats.quarantined.Add(1)
	cn.l.q.Reject(cn.name, cn.peer, raw, fmt.Errorf("hl7 message from %s: %w", cn.peer, reason))
}
