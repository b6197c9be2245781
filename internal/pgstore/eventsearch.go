package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// Search implements eventstore.Store. The time range and the conditions
// every match meets (eventstore.Scan.Required) select candidates in SQL:
// field values by containment in the fields column, literals by LIKE on
// text_lower, each through its index. eventstore.Scan then decodes each
// candidate and applies the whole query, so that the answer is the file
// store's exactly.
func (s *EventStore) Search(ctx context.Context, q eventstore.Query) (*eventstore.Result, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	scan, err := eventstore.NewScan(ctx, q)
	if err != nil {
		return nil, err
	}
	sql, args := candidates(scan.Query(), scan.Required())
	rows, err := s.db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: search events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var data []byte // a new slice each row: a hit keeps it
		if err := rows.Scan(&seq, &data); err != nil {
			return nil, fmt.Errorf("pgstore: search events: %w", err)
		}
		if err := scan.Record(uint64(seq), data); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: search events: %w", err)
	}
	return scan.Result(), nil
}

// candidates builds the query selecting the events that may match.
func candidates(q eventstore.Query, reqs []eventstore.Requirement) (string, []any) {
	var w where
	if !q.Since.IsZero() {
		w.add("time_ns >= ", nanos(q.Since))
	}
	if !q.Until.IsZero() {
		w.add("time_ns < ", nanos(q.Until))
	}
	doc := indexDoc{F: map[string][]string{}, M: map[string][]string{}}
	for _, r := range reqs {
		addContainment(doc, r)
		for _, p := range r.Contains {
			if pushable(p) {
				w.add("text_lower LIKE ", "%"+likeEscape(p)+"%")
			}
		}
	}
	if len(doc.F) > 0 || len(doc.M) > 0 {
		b, _ := json.Marshal(doc) // maps of strings always encode
		w.add("fields @> ", string(b))
		w.conds[len(w.conds)-1] += "::jsonb"
	}
	return "SELECT seq, data FROM events" + w.sql(), w.args
}

// addContainment adds what r says of the fields document: a field's
// value, or only that the field is there (an empty list is contained in
// any list).
func addContainment(doc indexDoc, r eventstore.Requirement) {
	if r.Field == "" || !pushable(r.Field) || (r.Exact && !pushable(r.Equals)) {
		return
	}
	m := doc.F
	if r.Special {
		if !r.Exact {
			return // the metadata are always there
		}
		m = doc.M
	}
	if _, ok := m[r.Field]; !ok {
		m[r.Field] = []string{}
	}
	if r.Exact {
		m[r.Field] = append(m[r.Field], r.Equals)
	}
}

// likeEscape escapes LIKE's wildcards and its escape character.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
