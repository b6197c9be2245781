package pgstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
)

// A reader that follows what the detect nodes store (AppendPartition)
// reads each partition in stream sequence order after the last sequence
// it read. Within a partition the stored sequences only ever grow as a
// prefix: a node stores a batch in one statement, and stores the next
// only after committing the one before, so a reader that has seen
// sequence s never sees a later row below s appear.

// LogSource selects events by their log source: Product, and Service
// unless it is "". Both compare with the lower-cased values the fields
// column keeps.
type LogSource struct {
	Product string
	Service string
}

// PartitionPage is what ReadPartitionFrom read of one partition.
type PartitionPage struct {
	// Records are the events read that match the sources asked for, by
	// sequence. Their Data is the caller's.
	Records []eventstore.Record
	// Last is the sequence of the last event read, matching or not: the
	// position to read after next. It is the position asked from when
	// nothing was read.
	Last uint64
	// Full is set when the limit was read: more may follow at once.
	Full bool
}

// listPartitions walks the primary key's distinct partitions (0 and up),
// one index probe each, rather than reading every row for DISTINCT.
const listPartitions = `WITH RECURSIVE p AS (
		(SELECT partition FROM events WHERE partition >= 0 ORDER BY partition LIMIT 1)
		UNION ALL
		SELECT (SELECT e.partition FROM events e WHERE e.partition > p.partition ORDER BY e.partition LIMIT 1)
		FROM p WHERE p.partition IS NOT NULL)
	SELECT partition FROM p WHERE partition IS NOT NULL`

// readPartition reads the next events of one partition by the primary
// key; the bytes of an event come only when it matches one of the
// containment documents $4 (every event matches when there are none).
const readPartition = `SELECT seq, CASE WHEN cardinality($4::text[]) = 0 OR fields @> ANY($4::text[]::jsonb[]) THEN data END
	FROM events WHERE partition = $1 AND seq > $2 ORDER BY seq LIMIT $3`

// Partitions returns the stream partitions that hold stored events, in
// order.
func (s *EventStore) Partitions(ctx context.Context) ([]int, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.pool.Query(ctx, listPartitions)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list the partitions of the stored events: %w", err)
	}
	ps, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, fmt.Errorf("pgstore: list the partitions of the stored events: %w", err)
	}
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = int(p)
	}
	return out, nil
}

// ReadPartitionFrom reads up to limit events of partition p stored with a
// sequence after after, in sequence order, and returns those whose log
// source is one of only (every one when only is empty). Reading a page
// costs the rows it passes, not the partition's size: the primary key
// (partition, seq) leads to the first.
func (s *EventStore) ReadPartitionFrom(ctx context.Context, p int, after uint64, limit int, only []LogSource) (PartitionPage, error) {
	page := PartitionPage{Last: after}
	if err := s.usable(ctx); err != nil {
		return page, err
	}
	from, err := toInt64("sequence", after)
	if err != nil {
		return page, fmt.Errorf("pgstore: read partition %d: %w", p, err)
	}
	if p < 0 {
		return page, fmt.Errorf("pgstore: read partition %d: a partition is 0 or more", p)
	}
	if limit <= 0 {
		return page, fmt.Errorf("pgstore: read partition %d: limit %d is not positive", p, limit)
	}
	docs, err := sourceDocs(only)
	if err != nil {
		return page, fmt.Errorf("pgstore: read partition %d: %w", p, err)
	}
	rows, err := s.db.pool.Query(ctx, readPartition, p, from, limit, docs)
	if err != nil {
		return page, fmt.Errorf("pgstore: read partition %d after sequence %d: %w", p, after, err)
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		var seq int64
		var data []byte
		if err := rows.Scan(&seq, &data); err != nil {
			return page, fmt.Errorf("pgstore: read partition %d after sequence %d: %w", p, after, err)
		}
		n, page.Last = n+1, uint64(seq)
		if data != nil {
			page.Records = append(page.Records, eventstore.Record{Seq: uint64(seq), Data: data})
		}
	}
	if err := rows.Err(); err != nil {
		return PartitionPage{Last: after}, fmt.Errorf("pgstore: read partition %d after sequence %d: %w", p, after, err)
	}
	page.Full = n == limit
	return page, nil
}

// sourceDocs turns the sources into containment documents of the fields
// column's metadata ({"m": {"product": ["hl7"]}}), as the indexer writes it.
func sourceDocs(only []LogSource) ([]string, error) {
	docs := make([]string, 0, len(only))
	for _, src := range only {
		m := map[string][]string{"product": {event.ToLowerASCII(src.Product)}}
		if src.Service != "" {
			m["service"] = []string{event.ToLowerASCII(src.Service)}
		}
		b, err := json.Marshal(map[string]any{"m": m})
		if err != nil {
			return nil, fmt.Errorf("log source %+v: %w", src, err)
		}
		docs = append(docs, string(b))
	}
	return docs, nil
}
