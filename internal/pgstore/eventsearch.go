package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// Search implements eventstore.Store. The time range and the conditions
// every match meets (eventstore.Scan.Required) select candidates in SQL:
// field values by containment in the fields column, literals by LIKE on
// text_lower. The search blocks' indexes find the blocks whose events may
// meet them, then the events of those blocks are checked (see
// eventblock.go), both in one read-only snapshot. eventstore.Scan then
// decodes each candidate and applies the whole query, so that the answer
// is the file store's exactly.
func (s *EventStore) Search(ctx context.Context, q eventstore.Query) (*eventstore.Result, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	scan, err := eventstore.NewScan(ctx, q)
	if err != nil {
		return nil, err
	}
	c := newCandidates(scan.Query(), scan.Required())
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err = pgx.BeginTxFunc(ctx, s.db.pool, opts, func(tx pgx.Tx) error {
		sql, args := c.events(nil)
		if c.selective() {
			ranges, err := blockRanges(ctx, tx, c)
			if err != nil {
				return err
			}
			if ranges != nil {
				sql, args = c.events(ranges)
			}
		}
		return scanEvents(ctx, tx, scan, sql, args)
	})
	if err != nil {
		return nil, err
	}
	return scan.Result(), nil
}

// scanEvents hands the candidates that sql selects to scan.
func scanEvents(ctx context.Context, tx pgx.Tx, scan *eventstore.Scan, sql string, args []any) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("pgstore: search events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var data []byte // a new slice each row: a hit keeps it
		if err := rows.Scan(&seq, &data); err != nil {
			return fmt.Errorf("pgstore: search events: %w", err)
		}
		if err := scan.Record(uint64(seq), data); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgstore: search events: %w", err)
	}
	return nil
}

// maxBlockRanges bounds the blocks a search reads by their ranges: past
// it the conditions select too little to be worth it, and the events are
// checked without the blocks (every event, with the time index if there
// is a range).
var maxBlockRanges = 20_000

// blockRanges returns the merged ranges of the blocks that may hold a
// candidate, or nil when there are more than maxBlockRanges blocks. It
// keeps the planner to the blocks' indexes: on a table of a few hundred
// blocks it would read them all, decompressing each block's document and
// text, which costs far more than its estimate.
func blockRanges(ctx context.Context, tx pgx.Tx, c candidates) ([]seqRange, error) {
	if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		return nil, fmt.Errorf("pgstore: search the events' blocks: %w", err)
	}
	sql, args := c.blocks()
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: search the events' blocks: %w", err)
	}
	out := []seqRange{}
	var r seqRange
	_, err = pgx.ForEachRow(rows, []any{&r.p, &r.lo, &r.hi}, func() error {
		out = append(out, r)
		return nil
	})
	if err == nil {
		_, err = tx.Exec(ctx, "SET LOCAL enable_seqscan = on")
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: search the events' blocks: %w", err)
	}
	if len(out) > maxBlockRanges {
		return nil, nil
	}
	return mergeRanges(out), nil
}

// candidates are the conditions in SQL of a search: on the time, on
// literals in a value (LIKE patterns) and on the fields document.
type candidates struct {
	since, until *int64
	likes        []string
	doc          string // JSON, "" for none
}

// newCandidates gathers the conditions that select the events that may
// match.
func newCandidates(q eventstore.Query, reqs []eventstore.Requirement) candidates {
	var c candidates
	if !q.Since.IsZero() {
		n := nanos(q.Since)
		c.since = &n
	}
	if !q.Until.IsZero() {
		n := nanos(q.Until)
		c.until = &n
	}
	doc := indexDoc{F: map[string][]string{}, M: map[string][]string{}}
	for _, r := range reqs {
		addContainment(doc, r)
		for _, p := range r.Contains {
			if pushable(p) {
				c.likes = append(c.likes, "%"+likeEscape(p)+"%")
			}
		}
	}
	if len(doc.F) > 0 || len(doc.M) > 0 {
		b, _ := json.Marshal(doc) // maps of strings always encode
		c.doc = string(b)
	}
	return c
}

// selective reports whether the blocks' indexes can narrow the search.
func (c candidates) selective() bool { return len(c.likes) > 0 || c.doc != "" }

// conds adds the conditions on the columns of the table aliased t; min
// and max are its columns of the least and greatest time.
func (c candidates) conds(w *where, t, minT, maxT string) {
	if c.since != nil {
		w.add(t+maxT+" >= ", *c.since)
	}
	if c.until != nil {
		w.add(t+minT+" < ", *c.until)
	}
	for _, p := range c.likes {
		w.add(t+"text_lower LIKE ", p)
	}
	if c.doc != "" {
		w.add(t+"fields @> ", c.doc)
		w.conds[len(w.conds)-1] += "::jsonb"
	}
}

// blocks builds the query of the ranges of the blocks that may hold a
// candidate, at most one more than maxBlockRanges of them.
func (c candidates) blocks() (string, []any) {
	var w where
	c.conds(&w, "", "min_time_ns", "max_time_ns")
	return "SELECT partition, first_seq, last_seq FROM event_blocks" + w.sql() +
		" LIMIT " + strconv.Itoa(maxBlockRanges+1), w.args
}

// events builds the query of the candidates: of every event, or, given
// ranges (merged, so that none is read twice), of the events in them.
func (c candidates) events(ranges []seqRange) (string, []any) {
	var w where
	from := "events e"
	if ranges != nil {
		ps, los, his := make([]int32, len(ranges)), make([]int64, len(ranges)), make([]int64, len(ranges))
		for i, r := range ranges {
			ps[i], los[i], his[i] = r.p, r.lo, r.hi
		}
		from = fmt.Sprintf("unnest(%s::integer[], %s::bigint[], %s::bigint[]) AS r(p, lo, hi) "+
			"JOIN events e ON e.partition = r.p AND e.seq BETWEEN r.lo AND r.hi", w.param(ps), w.param(los), w.param(his))
	}
	c.conds(&w, "e.", "time_ns", "time_ns")
	return "SELECT e.seq, e.data FROM " + from + w.sql(), w.args
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
