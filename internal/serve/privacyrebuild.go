package serve

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// The live guardian keeps its inputs (audit events and ADT/SIU messages)
// in memory, fed by the detector as it processes the log. At start the
// detector resumes after the alert store's committed position P and feeds
// only the records after it, so the records up to P are fed here first,
// from what Vigil already holds durably, in log order, the order the
// detector fed them in:
//
//   - records 1 to min(P, S) from the event store, whose position is S;
//   - records S+1 to P, when the event store lags the detector, from the
//     write-ahead log, which keeps every record after the store's durable
//     position (the store's floor in truncateLog) and so after S.
//
// Records after P are left to the detector, so that none is fed twice.

// privacyRebuild is what rebuildPrivacy fed, for the log and the tests.
type privacyRebuild struct {
	Upto      uint64        // the detector's committed position: the last record fed here
	FromStore uint64        // privacy inputs read from the event store
	FromLog   uint64        // privacy inputs read from the write-ahead log
	Audit     uint64        // audit events Live kept
	Care      uint64        // ADT and SIU messages Live kept
	TooOld    uint64        // audit events left out by privacy.lookback
	Bad       uint64        // records that did not decode (the detector skipped them too)
	Gone      uint64        // records up to Upto that neither the store nor the log still holds
	Read      time.Duration // reading the records and feeding Live
	Analysed  time.Duration // the analysis after it
}

// privacyFeed feeds Live the privacy inputs among stored records.
type privacyFeed struct {
	live  *privacy.Live
	since time.Time // audit events before it are left out; zero: none
	ev    event.Event
	got   *privacyRebuild
}

// record feeds one record, if it is a privacy input, and reports whether
// it is one. It never fails, so that one bad record does not stop the
// rebuild.
func (f *privacyFeed) record(data []byte) bool {
	h, err := event.ScanBinary(data, nil) // the header only: most log records are not inputs
	if err != nil {
		f.got.Bad++
		return false
	}
	src, ok := privacy.InputSource(string(h.Product), string(h.Service))
	if !ok {
		return false
	}
	if src.Audit && !f.since.IsZero() && h.Time.Before(f.since) {
		f.got.TooOld++
		return true
	}
	if err := f.ev.UnmarshalBinary(data); err != nil {
		f.got.Bad++
		return true
	}
	switch {
	case !f.live.AddEvent(&f.ev):
	case src.Audit:
		f.got.Audit++
	default:
		f.got.Care++
	}
	return true
}

// privacyQuery selects the privacy inputs in the event store.
func privacyQuery() string {
	var terms []string
	for _, s := range privacy.InputSources() {
		t := "product:" + s.Product
		if s.Service != "" {
			t = "(" + t + " service:" + s.Service + ")"
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, " OR ")
}

// rebuildPrivacyInputs runs rebuildPrivacy and logs what it did. A
// failure is logged, not returned: detection matters more than the privacy
// cases, which then cover only what arrives from now on.
func (s *Service) rebuildPrivacyInputs() {
	got, err := s.rebuildPrivacy(context.Background(), time.Now())
	if err != nil {
		s.log.Error("privacy rebuild failed; the cases cover only the events that arrive from now on", "err", err)
		return
	}
	s.log.Info("privacy inputs rebuilt", "upto", got.Upto, "from_store", got.FromStore, "from_log", got.FromLog,
		"audit_events", got.Audit, "care_records", got.Care, "too_old", got.TooOld, "bad", got.Bad, "gone", got.Gone,
		"read", got.Read.Round(time.Millisecond), "analysed", got.Analysed.Round(time.Millisecond))
}

// errPastEnd stops a log read at the last record to feed.
var errPastEnd = errors.New("past the detector's position")

// rebuildPrivacy feeds the live guardian the inputs the detector fed it
// before the restart (see above), then analyses them once, so that the
// first cases served and saved are those of the whole history rather than
// of the events that arrive after the start. It runs in New, before any
// listener accepts an event and before the detector starts.
func (s *Service) rebuildPrivacy(ctx context.Context, now time.Time) (privacyRebuild, error) {
	got := privacyRebuild{Upto: s.processed.Load()}
	began := time.Now()
	f := &privacyFeed{live: s.privacy, got: &got}
	if lb := s.cfg.Privacy.Lookback; lb > 0 {
		f.since = now.Add(-lb)
	}
	next, err := s.rebuildFromStore(ctx, f, got.Upto)
	if err != nil {
		return got, err
	}
	if err := s.rebuildFromLog(f, next, got.Upto); err != nil {
		return got, err
	}
	got.Read = time.Since(began)
	if got.Audit+got.Care > 0 {
		s.privacy.Analyse()
		got.Analysed = time.Since(began) - got.Read
	}
	return got, nil
}

// rebuildFromStore feeds the records up to upto that the event store
// holds and returns the first record it does not hold.
func (s *Service) rebuildFromStore(ctx context.Context, f *privacyFeed, upto uint64) (uint64, error) {
	pos, err := s.events.Position(ctx)
	if err != nil {
		return 0, fmt.Errorf("privacy rebuild: event store position: %w", err)
	}
	rp, ok := s.events.(eventstore.Replayer)
	if !ok {
		s.log.Warn("privacy rebuild: the event store cannot replay its records; only the write-ahead log is read")
		return 1, nil
	}
	last := min(pos, upto)
	if last == 0 {
		return 1, nil
	}
	err = rp.Replay(ctx, eventstore.Query{Text: privacyQuery()}, 1, last, func(_ uint64, data []byte) error {
		if f.record(data) {
			f.got.FromStore++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("privacy rebuild: read the event store: %w", err)
	}
	return last + 1, nil
}

// rebuildFromLog feeds the log's records from next to upto.
func (s *Service) rebuildFromLog(f *privacyFeed, next, upto uint64) error {
	if next > upto {
		return nil
	}
	if first := s.wal.Stats().First; next < first {
		f.got.Gone += first - next
		s.log.Warn("privacy rebuild: records are in neither the event store nor the log; their accesses are not analysed",
			"from", next, "to", first-1)
		next = first
	}
	err := s.wal.Read(next, func(seq uint64, data []byte) error {
		if seq > upto {
			return errPastEnd
		}
		if f.record(data) {
			f.got.FromLog++
		}
		return nil
	})
	if err != nil && !errors.Is(err, errPastEnd) {
		return fmt.Errorf("privacy rebuild: read the write-ahead log from record %d: %w", next, err)
	}
	return nil
}
