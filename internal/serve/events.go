package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/wait"
	"github.com/vigilhealth/vigil/internal/wal"
)

// Cadence of the event store's follower and of log maintenance; variables
// so that tests can run them faster.
var (
	followEvery   = 50 * time.Millisecond // how soon new log records reach the store
	maintainEvery = 10 * time.Second      // WAL truncation and event retention
	followBatch   = 1024                  // records per Append
)

// eventsFollower copies the write-ahead log into the event store in
// batches. It polls rather than waits on the log, so that one Append takes
// everything that arrived since the last: a busy log makes big batches.
type eventsFollower struct {
	log   *slog.Logger
	wal   *wal.Log
	rd    *wal.Reader // kept between catch-ups, so that each record is read once
	store eventstore.Store
	pos   atomic.Uint64 // the store's position
	errs  atomic.Int64  // failed appends

	buf  []byte // the batch's record bytes; the store does not keep them
	ends []int
	seqs []uint64
	recs []eventstore.Record
}

// openEvents opens the event store in DATA/events, checks it against the
// log, and registers the WAL floors of both of the log's consumers: the
// detector and the store.
func (s *Service) openEvents(walLast uint64) error {
	c := s.cfg.Events
	st, err := eventstore.Open(filepath.Join(s.cfg.Data, "events"), eventstore.Options{
		MaxAge: c.MaxAge, MaxBytes: int64(c.MaxBytes), SyncEvery: eventsSyncEvery, Logger: s.log.With("component", "eventstore"),
	})
	if err != nil {
		return fmt.Errorf("open the event store: %w", err)
	}
	s.events = st
	pos, err := st.Position(context.Background())
	if err != nil {
		return fmt.Errorf("event store position: %w", err)
	}
	if pos > walLast {
		return fmt.Errorf("the event store in %s holds record %d but the event log ends at %d: the log was lost or replaced", s.cfg.Data, pos, walLast)
	}
	s.evf = &eventsFollower{log: s.log.With("component", "eventstore"), wal: s.wal, store: st}
	s.evf.pos.Store(pos)
	s.floors = append(s.floors, func() uint64 { return s.processed.Load() + 1 }, s.evf.floor)
	return nil
}

// run follows the log until ctx is cancelled, then copies what is left.
// Cancel ctx once nothing more is appended to the log, to drain it all.
func (f *eventsFollower) run(ctx context.Context) error {
	tick := time.NewTicker(followEvery)
	defer tick.Stop()
	defer func() {
		if f.rd != nil {
			f.rd.Close()
		}
	}()
	for {
		if err := f.catchUp(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return f.catchUp()
		case <-tick.C:
		}
	}
}

// catchUp appends every committed log record after the store's position.
// A failed append is logged and retried at the next tick: search lags, and
// nothing else depends on it.
func (f *eventsFollower) catchUp() error {
	next := f.pos.Load() + 1
	ws := f.wal.Stats()
	if next > ws.Last {
		return nil
	}
	if next < ws.First { // the store was reset or lost: what the log still has
		f.log.Warn("event store: records before the log's oldest are gone", "from", next, "oldest", ws.First)
		next = ws.First
	}
	if f.rd == nil {
		f.rd = f.wal.NewReader(next)
	}
	f.rd.Seek(next) // back to the first record not stored, after a failed append
	err := f.rd.ReadCommitted(func(seq uint64, rec []byte) error {
		f.buf = append(f.buf, rec...)
		f.ends, f.seqs = append(f.ends, len(f.buf)), append(f.seqs, seq)
		if len(f.seqs) >= followBatch {
			return f.flush()
		}
		return nil
	})
	if err == nil {
		err = f.flush()
	}
	f.buf, f.ends, f.seqs = f.buf[:0], f.ends[:0], f.seqs[:0]
	if errors.Is(err, wal.ErrClosed) {
		return nil
	}
	if err != nil {
		f.errs.Add(1)
		f.log.Error("event store: append failed; retrying", "from", next, "err", err)
	}
	return nil
}

func (f *eventsFollower) flush() error {
	if len(f.seqs) == 0 {
		return nil
	}
	f.recs = f.recs[:0]
	start := 0
	for i, end := range f.ends {
		f.recs = append(f.recs, eventstore.Record{Seq: f.seqs[i], Data: f.buf[start:end]})
		start = end
	}
	if err := f.store.Append(context.Background(), f.recs); err != nil {
		return err
	}
	f.pos.Store(f.seqs[len(f.seqs)-1])
	f.buf, f.ends, f.seqs = f.buf[:0], f.ends[:0], f.seqs[:0]
	return nil
}

// floor is the first log record the store still needs: the one after what
// it has made durable.
func (f *eventsFollower) floor() uint64 {
	st, err := f.store.Stats(context.Background())
	if err != nil {
		return 0 // keep everything
	}
	return st.Durable + 1
}

// maintain periodically applies the event store's retention and deletes
// the log segments every consumer has passed.
func (s *Service) maintain(ctx context.Context) error {
	wait.Every(ctx, maintainEvery, func(ctx context.Context) {
		if r, ok := s.events.(eventstore.Retainer); ok {
			if err := r.Retain(ctx); err != nil {
				s.log.Error("event store retention", "err", err)
			}
		}
		if err := s.truncateLog(); err != nil {
			s.log.Error("event log retention", "err", err)
		}
	})
	return nil
}

// truncateLog deletes the log segments before the lowest floor: the first
// record that some consumer still needs.
func (s *Service) truncateLog() error {
	if len(s.floors) == 0 {
		return nil
	}
	low := s.floors[0]()
	for _, f := range s.floors[1:] {
		low = min(low, f())
	}
	if low <= 1 {
		return nil
	}
	return s.wal.TruncateBefore(low)
}

// handleSearch serves GET /api/v1/events.
func (s *Service) handleSearch(w http.ResponseWriter, r *http.Request) {
	q, err := searchQuery(r.URL.Query(), time.Now())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{err.Error()})
		return
	}
	res, err := s.events.Search(r.Context(), q)
	if err != nil {
		s.log.Error("API: search events", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{"searching events failed"})
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// searchQuery reads the parameters of GET /api/v1/events; an error names
// the parameter.
func searchQuery(v url.Values, now time.Time) (eventstore.Query, error) {
	var q eventstore.Query
	x, err := eventstore.ParseQuery(v.Get("q"))
	if err != nil {
		return q, fmt.Errorf("parameter q: %w", err)
	}
	q.Expr = x
	for _, b := range []struct {
		name string
		dst  *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if s := v.Get(b.name); s != "" {
			if *b.dst, err = eventstore.ParseTime(s, now); err != nil {
				return q, fmt.Errorf("parameter %s: %w", b.name, err)
			}
		}
	}
	if q.Limit, err = intParam(v, "limit", eventstore.DefaultLimit, 1, eventstore.MaxLimit); err != nil {
		return q, err
	}
	q.Buckets, err = intParam(v, "buckets", 0, 0, eventstore.MaxBuckets)
	return q, err
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("parameter %s: %q is not a number from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

// eventStoreMetrics writes the event store's gauges.
func (s *Service) eventStoreMetrics(m metricWriter, walLast uint64) {
	st, err := s.events.Stats(context.Background())
	if err != nil {
		s.log.Error("metrics: event store stats", "err", err)
		return
	}
	m.one("vigil_events_stored", "gauge", "Events the event store retains for search.", float64(st.Events))
	m.one("vigil_event_store_bytes", "gauge", "Bytes of the event store on disk.", float64(st.Bytes))
	m.one("vigil_event_store_position", "gauge", "Last log record copied into the event store.", float64(st.Position))
	m.one("vigil_event_store_lag_records", "gauge", "Log records not yet in the event store.", float64(walLast-min(walLast, st.Position)))
	m.one("vigil_event_store_append_errors_total", "counter", "Failed appends to the event store (retried).", float64(s.evf.errs.Load()))
}

// The log's segment size and how often the event store fsyncs (0: their
// defaults); tests make them small to see log segments deleted.
var (
	walSegmentBytes int64
	eventsSyncEvery time.Duration
)
