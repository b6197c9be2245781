package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Retain implements eventstore.Retainer: it deletes the events written
// more than MaxAge ago, then the oldest while the events' bytes exceed
// MaxBytes. Unlike the file store, which deletes whole segments, it
// deletes single events. The position stays.
func (s *EventStore) Retain(ctx context.Context) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	var byAge, bySize int64
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		if s.opts.MaxAge > 0 {
			cut := nanos(s.now().Add(-s.opts.MaxAge))
			tag, err := tx.Exec(ctx, "DELETE FROM events WHERE stored_ns < $1", cut)
			if err != nil {
				return fmt.Errorf("by age: %w", err)
			}
			byAge = tag.RowsAffected()
			// A block's stored_ns is the latest of its events'.
			if _, err := tx.Exec(ctx, "DELETE FROM event_blocks WHERE stored_ns < $1", cut); err != nil {
				return fmt.Errorf("search blocks by age: %w", err)
			}
		}
		if s.opts.MaxBytes > 0 {
			// newer is the bytes of an event and of every later one: those
			// whose newer exceeds the limit go.
			var last *int64
			err := tx.QueryRow(ctx, `SELECT seq FROM (SELECT seq, sum(bytes) OVER (ORDER BY seq DESC) AS newer FROM events) t
				WHERE newer > $1 ORDER BY seq DESC LIMIT 1`, s.opts.MaxBytes).Scan(&last)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("by size: %w", err)
			}
			if last == nil {
				return nil
			}
			tag, err := tx.Exec(ctx, "DELETE FROM events WHERE seq <= $1", *last)
			if err != nil {
				return fmt.Errorf("by size: %w", err)
			}
			bySize = tag.RowsAffected()
			if _, err := tx.Exec(ctx, "DELETE FROM event_blocks WHERE last_seq <= $1", *last); err != nil {
				return fmt.Errorf("search blocks by size: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: event retention: %w", err)
	}
	if byAge+bySize > 0 {
		s.log().Info("pgstore: deleted events by retention", "by_age", byAge, "by_size", bySize)
	}
	return nil
}

func (s *EventStore) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *EventStore) log() *slog.Logger {
	if s.opts.Logger != nil {
		return s.opts.Logger
	}
	return s.db.log
}
