package syslog

import "sync/atomic"

// TransportStats counts what one transport received.
type TransportStats struct {
	Messages int64 // messages received, quarantined ones included
	Bytes    int64 // their bytes, without framing
}

// ListenerStats is a snapshot of a Listener's counters.
type ListenerStats struct {
	UDP, TCP, TLS TransportStats
	ParseErrors   int64 // messages that were binary or had a malformed payload
	Quarantined   int64 // messages handed to the quarantine
	UDPDrops      int64 // datagrams dropped because the queue was full
	Events        int64 // events the sink accepted
	Batches       int64 // batches the sink accepted
	SinkRetries   int64 // batches handed to the sink again after an error
	Lost          int64 // events read but not stored when the drain timed out
	Queued        int   // events waiting for the sink now
	QueueCap      int   // the queue's bound
	ConnsOpen     int64 // TCP and TLS connections open now
	Conns         int64 // TCP and TLS connections accepted in all
}

type transportCounters struct{ messages, bytes atomic.Int64 }

func (t *transportCounters) snapshot() TransportStats {
	return TransportStats{Messages: t.messages.Load(), Bytes: t.bytes.Load()}
}

type counters struct {
	udp, tcp, tls                                    transportCounters
	parseErrors, quarantined, udpDrops, events       atomic.Int64
	batches, sinkRetries, lost, conns, connsAccepted atomic.Int64
}

// Stats returns the counters so far. It is safe to call at any time,
// concurrently with Run.
func (l *Listener) Stats() ListenerStats {
	c := &l.stats
	return ListenerStats{
		UDP: c.udp.snapshot(), TCP: c.tcp.snapshot(), TLS: c.tls.snapshot(),
		ParseErrors: c.parseErrors.Load(), Quarantined: c.quarantined.Load(),
		UDPDrops: c.udpDrops.Load(), Events: c.events.Load(), Batches: c.batches.Load(),
		SinkRetries: c.sinkRetries.Load(), Lost: c.lost.Load(),
		Queued: len(l.queue), QueueCap: cap(l.queue),
		ConnsOpen: c.conns.Load(), Conns: c.connsAccepted.Load(),
	}
}
