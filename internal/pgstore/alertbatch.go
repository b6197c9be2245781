package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/alert"
)

// batch is what one commit writes: each item once (the last version given
// wins), in order of id so that concurrent commits lock rows in one order.
type batch struct {
	alerts    []*alert.Alert
	incidents []*alert.Incident
	// fold makes write fold the items into what is stored, as a detect
	// node's commit must (writeFolded).
	fold bool
}

func newBatch(alerts []*alert.Alert, incidents []*alert.Incident) (batch, error) {
	as, err := lastByID(alerts, "alert", func(a *alert.Alert) string { return a.ID })
	if err != nil {
		return batch{}, err
	}
	is, err := lastByID(incidents, "incident", func(i *alert.Incident) string { return i.ID })
	if err != nil {
		return batch{}, err
	}
	return batch{alerts: as, incidents: is}, nil
}

// lastByID keeps the last version of each item, sorted by id, refusing
// items without one.
func lastByID[T any](items []*T, what string, id func(*T) string) ([]*T, error) {
	last := make(map[string]int, len(items))
	for i, it := range items {
		if it == nil || id(it) == "" {
			return nil, fmt.Errorf("%s %d of %d has no ID", what, i+1, len(items))
		}
		last[id(it)] = i
	}
	out := make([]*T, 0, len(last))
	for i, it := range items {
		if last[id(it)] == i {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b *T) int { return strings.Compare(id(a), id(b)) })
	return out, nil
}

// write merges the batch with the stored versions (locking their rows)
// and upserts it.
func (b batch) write(ctx context.Context, tx pgx.Tx) error {
	if b.fold {
		return b.writeFolded(ctx, tx)
	}
	if len(b.alerts) > 0 {
		old, err := lockBodies[alert.Alert](ctx, tx, "alerts", ids(b.alerts, func(a *alert.Alert) string { return a.ID }))
		if err != nil {
			return err
		}
		merged := make([]*alert.Alert, len(b.alerts))
		for i, a := range b.alerts {
			merged[i] = alert.MergeAlert(old[a.ID], a)
		}
		if err := upsertAlerts(ctx, tx, merged); err != nil {
			return err
		}
	}
	if len(b.incidents) > 0 {
		old, err := lockBodies[alert.Incident](ctx, tx, "incidents", ids(b.incidents, func(i *alert.Incident) string { return i.ID }))
		if err != nil {
			return err
		}
		merged := make([]*alert.Incident, len(b.incidents))
		for i, inc := range b.incidents {
			merged[i] = alert.MergeIncident(old[inc.ID], inc)
		}
		if err := upsertIncidents(ctx, tx, merged); err != nil {
			return err
		}
	}
	return nil
}

func ids[T any](items []*T, id func(*T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// lockBodies reads and locks the stored versions of the items with these
// ids (sorted), decoded by id. table is a constant of this package.
func lockBodies[T any](ctx context.Context, tx pgx.Tx, table string, ids []string) (map[string]*T, error) {
	rows, err := tx.Query(ctx, "SELECT id, body::text FROM "+table+" WHERE id = ANY($1) ORDER BY id FOR UPDATE", ids)
	if err != nil {
		return nil, fmt.Errorf("read stored %s: %w", table, err)
	}
	defer rows.Close()
	out := make(map[string]*T)
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, fmt.Errorf("read stored %s: %w", table, err)
		}
		v := new(T)
		if err := json.Unmarshal([]byte(body), v); err != nil {
			return nil, fmt.Errorf("decode stored %s %q: %w", table, id, err)
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read stored %s: %w", table, err)
	}
	return out, nil
}

const upsertAlertsSQL = `INSERT INTO alerts (id, rule_id, level_rank, host_lower, status, incident_id, last_seen_ns, body)
SELECT i, r, l, h, s, inc, t, b::json
FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[]) AS u(i, r, l, h, s, inc, t, b)
ON CONFLICT (id) DO UPDATE SET rule_id = excluded.rule_id, level_rank = excluded.level_rank,
	host_lower = excluded.host_lower, status = excluded.status, incident_id = excluded.incident_id,
	last_seen_ns = excluded.last_seen_ns, body = excluded.body`

func upsertAlerts(ctx context.Context, tx pgx.Tx, as []*alert.Alert) error {
	n := len(as)
	id, rule, host, status, inc, body := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	rank, seen := make([]int16, n), make([]int64, n)
	for i, a := range as {
		b, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("encode alert %s: %w", a.ID, err)
		}
		id[i], rule[i], host[i], status[i], inc[i], body[i] = a.ID, text(a.RuleID), text(strings.ToLower(a.Host)), text(a.Status), text(a.IncidentID), string(b)
		rank[i], seen[i] = int16(alert.LevelRank(a.Level)), nanos(a.LastSeen)
	}
	if _, err := tx.Exec(ctx, upsertAlertsSQL, id, rule, rank, host, status, inc, seen, body); err != nil {
		return fmt.Errorf("write %d alerts: %w", n, err)
	}
	return nil
}

const upsertIncidentsSQL = `INSERT INTO incidents (id, last_seen_ns, body)
SELECT i, t, b::json FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(i, t, b)
ON CONFLICT (id) DO UPDATE SET last_seen_ns = excluded.last_seen_ns, body = excluded.body`

func upsertIncidents(ctx context.Context, tx pgx.Tx, is []*alert.Incident) error {
	n := len(is)
	id, body, seen := make([]string, n), make([]string, n), make([]int64, n)
	for i, inc := range is {
		b, err := json.Marshal(inc)
		if err != nil {
			return fmt.Errorf("encode incident %s: %w", inc.ID, err)
		}
		id[i], body[i], seen[i] = inc.ID, string(b), nanos(inc.LastSeen)
	}
	if _, err := tx.Exec(ctx, upsertIncidentsSQL, id, seen, body); err != nil {
		return fmt.Errorf("write %d incidents: %w", n, err)
	}
	return nil
}

// text makes s storable in a text column, which refuses NUL bytes and
// invalid UTF-8. It is used only for the columns queries filter on; the
// JSON body keeps every value exactly.
func text(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// Bounds of the times Unix nanoseconds hold.
var (
	minNanos = time.Unix(0, math.MinInt64)
	maxNanos = time.Unix(0, math.MaxInt64)
)

// nanos is t in Unix nanoseconds, clamped to what an int64 holds, so
// that times outside 1678-2262 (the zero time) still sort first or last.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minNanos):
		return math.MinInt64
	case t.After(maxNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}
