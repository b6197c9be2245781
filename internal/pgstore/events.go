package pgstore

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// EventStore is the PostgreSQL eventstore.Store: one row per event, its
// bytes beside the columns that select candidates for a search. A
// committed Append is durable, so Stats.Durable is Position.
type EventStore struct {
	db     *DB
	opts   eventstore.Options
	closed atomic.Bool
}

var (
	_ eventstore.Store    = (*EventStore)(nil)
	_ eventstore.Retainer = (*EventStore)(nil)
)

// Events returns the DB's event store. Of opts it uses MaxAge, MaxBytes
// (which counts the events' encoded bytes, not the table's size on disk),
// Now and Logger; the segment and sync settings are the file store's.
// Its Close ends only this handle.
func (db *DB) Events(opts eventstore.Options) *EventStore {
	return &EventStore{db: db, opts: opts}
}

func (s *EventStore) usable(ctx context.Context) error {
	if s.closed.Load() {
		return eventstore.ErrClosed
	}
	return ctx.Err()
}

// Append implements eventstore.Store: the records above the stored
// position are copied in (COPY) in one transaction with the new position.
func (s *EventStore) Append(ctx context.Context, recs []eventstore.Record) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	now := nanos(s.now())
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		var pos int64
		if err := tx.QueryRow(ctx, "SELECT position FROM event_position FOR UPDATE").Scan(&pos); err != nil {
			return fmt.Errorf("read position: %w", err)
		}
		rows, blocks, last, err := eventRows(recs, uint64(pos), now)
		if err != nil || len(rows) == 0 {
			return err
		}
		cols := []string{"seq", "time_ns", "stored_ns", "bytes", "data", "fields", "text_lower"}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy %d events: %w", len(rows), err)
		}
		if _, err := tx.Exec(ctx, insertLogBlocks, append([]any{now}, blocks...)...); err != nil {
			return fmt.Errorf("store the search blocks of %d events: %w", len(rows), err)
		}
		_, err = tx.Exec(ctx, "UPDATE event_position SET position = $1", int64(last))
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: append events %d to %d: %w", recs[0].Seq, recs[len(recs)-1].Seq, err)
	}
	return nil
}

// insertLogBlocks stores the search blocks of the single log's events
// (partition -1) stored at $1, as blockBuilder.blocks gives them from $2.
const insertLogBlocks = `INSERT INTO event_blocks (partition, first_seq, last_seq, stored_ns, min_time_ns, max_time_ns, fields, text_lower)
	SELECT -1, first, last, $1, min_t, max_t, fields::jsonb, text_lower
	FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])
		AS b(first, last, min_t, max_t, fields, text_lower)`

// eventRows builds the rows of the records above pos, in order, and their
// search blocks (insertLogBlocks' arguments from $2), and returns the last
// sequence number among them.
func eventRows(recs []eventstore.Record, pos uint64, now int64) ([][]any, []any, uint64, error) {
	rows := make([][]any, 0, len(recs))
	var ix indexer
	for _, r := range recs {
		if r.Seq <= pos {
			continue
		}
		seq, err := toInt64("sequence", r.Seq)
		if err != nil {
			return nil, nil, 0, err
		}
		t, fields, text := ix.index(seq, r.Data)
		rows = append(rows, []any{seq, t, now, int32(len(r.Data)), r.Data, fields, text})
		pos = r.Seq
	}
	return rows, ix.blocks.blocks(), pos, nil
}

// Position implements eventstore.Store.
func (s *EventStore) Position(ctx context.Context) (uint64, error) {
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	var p int64
	if err := s.db.pool.QueryRow(ctx, "SELECT position FROM event_position").Scan(&p); err != nil {
		return 0, fmt.Errorf("pgstore: read event position: %w", err)
	}
	return uint64(p), nil
}

// Stats implements eventstore.Store. Bytes counts the events' encoded
// bytes; Segments is 0.
func (s *EventStore) Stats(ctx context.Context) (eventstore.Stats, error) {
	var st eventstore.Stats
	if err := s.usable(ctx); err != nil {
		return st, err
	}
	var oldest, newest *int64
	var pos int64
	err := s.db.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(bytes), 0),
		min(time_ns) FILTER (WHERE time_ns > $1), max(time_ns) FILTER (WHERE time_ns > $1),
		(SELECT position FROM event_position) FROM events`, minNanosInt).Scan(&st.Events, &st.Bytes, &oldest, &newest, &pos)
	if err != nil {
		return st, fmt.Errorf("pgstore: event stats: %w", err)
	}
	st.Oldest, st.Newest = fromNanos(oldest), fromNanos(newest)
	st.Position = uint64(pos)
	st.Durable = st.Position
	return st, nil
}

// Close implements eventstore.Store: later calls, a second Close too,
// return eventstore.ErrClosed. It does not close the DB.
func (s *EventStore) Close() error {
	if s.closed.Swap(true) {
		return eventstore.ErrClosed
	}
	return nil
}
