package hl7

import (
	"maps"
	"sync"
	"sync/atomic"
)

// ListenerStats is a snapshot of a Listener's counters.
type ListenerStats struct {
	Messages     int64            // messages (and oversize frames) received
	Accepted     int64            // messages stored and acknowledged AA
	Rejected     int64            // messages answered AR or AE for being malformed or too large
	StoreErrors  int64            // messages answered AE because the sink failed
	Quarantined  int64            // messages handed to the quarantine
	FrameErrors  int64            // bytes outside any frame (no answer is due)
	Overloads    int64            // times the sink answered ErrOverloaded (the message was retried)
	ConnsOpen    int64            // connections open now
	Conns        int64            // connections accepted in all
	ConnsRefused int64            // connections closed at once because MaxConns were open
	Types        map[string]int64 // accepted messages per type, such as "ADT^A01"
}

type counters struct {
	messages, rejected, storeErrors, quarantined, frameErrors atomic.Int64
	overloads, conns, connsAccepted, connsRefused             atomic.Int64

	mu    sync.Mutex
	types map[string]int64 // "ADT^A01" → accepted
	total int64
}

// accepted counts an acknowledged message of the given code and trigger.
func (c *counters) accepted(code, trigger string) {
	typ := code
	if trigger != "" {
		typ += "^" + trigger
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	if _, ok := c.types[typ]; ok || len(c.types) < maxTypes {
		c.types[typ]++
	} else {
		c.types["other"]++
	}
}

// maxTypes bounds the message types counted by name, against a sender
// that makes up a new type per message.
const maxTypes = 200

// Stats returns the counters so far. It is safe to call at any time,
// concurrently with Run.
func (l *Listener) Stats() ListenerStats {
	c := &l.stats
	c.mu.Lock()
	types, total := maps.Clone(c.types), c.total
	c.mu.Unlock()
	return ListenerStats{
		Messages: c.messages.Load(), Accepted: total, Rejected: c.rejected.Load(),
		StoreErrors: c.storeErrors.Load(), Quarantined: c.quarantined.Load(),
		FrameErrors: c.frameErrors.Load(), Overloads: c.overloads.Load(),
		ConnsOpen: c.conns.Load(), Conns: c.connsAccepted.Load(), ConnsRefused: c.connsRefused.Load(),
		Types: types,
	}
}
