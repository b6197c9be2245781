package bus

import (
	"slices"
	"sync/atomic"
)

// Stats are the bus's counters since Connect, for metrics.
type Stats struct {
	Published  uint64 // messages sent to the stream, retries included
	Acked      uint64 // messages the stream acknowledged as stored
	Duplicates uint64 // of Acked, messages the stream already had (a retried batch)
	Overloaded uint64 // Accept calls answered with ingest.ErrOverloaded
	Failed     uint64 // Accept calls that failed otherwise
	Pending    int    // publishes awaiting their acknowledgement now

	Processed uint64 // messages handed to Handler.Process that it accepted
	Claims    uint64 // Handler.Claim calls that succeeded
	Releases  uint64 // Handler.Release calls
	// Lag is, per partition held now by a node joined through this Bus,
	// the messages in the stream after the last one processed.
	Lag map[int]uint64
}

// counters are the live values behind Stats.
type counters struct {
	published, acked, duplicates, overloaded, failed atomic.Uint64
	processed, claims, releases                      atomic.Uint64
}

// Stats returns the current counters.
func (b *Bus) Stats() Stats {
	s := Stats{
		Published:  b.stats.published.Load(),
		Acked:      b.stats.acked.Load(),
		Duplicates: b.stats.duplicates.Load(),
		Overloaded: b.stats.overloaded.Load(),
		Failed:     b.stats.failed.Load(),
		Pending:    b.js.PublishAsyncPending(),
		Processed:  b.stats.processed.Load(),
		Claims:     b.stats.claims.Load(),
		Releases:   b.stats.releases.Load(),
		Lag:        map[int]uint64{},
	}
	b.mu.Lock()
	for p, l := range b.lags {
		s.Lag[p] = l.Load()
	}
	b.mu.Unlock()
	return s
}

// Owned lists the partitions held now by nodes joined through this Bus,
// in ascending order.
func (s Stats) Owned() []int {
	ps := make([]int, 0, len(s.Lag))
	for p := range s.Lag {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// trackLag starts reporting partition p's lag and returns its gauge.
func (b *Bus) trackLag(p int) *atomic.Uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := &atomic.Uint64{}
	b.lags[p] = l
	return l
}

// untrackLag stops reporting partition p's lag.
func (b *Bus) untrackLag(p int) {
	b.mu.Lock()
	delete(b.lags, p)
	b.mu.Unlock()
}
