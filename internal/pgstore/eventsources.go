package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SourceSeen is one source of the stored events: its source name and host
// (both lower-cased, as the search columns hold them), when it last had
// an event stored and how many since the time asked about.
type SourceSeen struct {
	Source, Host string
	LastStored   time.Time
	Events       int64
}

// maxSources bounds the sources Sources returns.
const maxSources = 10_000

// Sources lists the sources of the events stored since since, by source
// and host, at most maxSources of them. It reads every event stored in the
// span (through the stored_ns index): keep the span short on a busy table.
func (s *EventStore) Sources(ctx context.Context, since time.Time) ([]SourceSeen, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.pool.Query(ctx, `SELECT coalesce(fields->'m'->'source'->>0, ''), coalesce(fields->'m'->'host'->>0, ''),
		max(stored_ns), count(*) FROM events WHERE stored_ns >= $1 GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $2`, nanos(since), maxSources)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list the events' sources: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (SourceSeen, error) {
		var src SourceSeen
		var last int64
		err := row.Scan(&src.Source, &src.Host, &last, &src.Events)
		src.LastStored = time.Unix(0, last).UTC()
		return src, err
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: list the events' sources: %w", err)
	}
	return out, nil
}
