package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/alert"
)

// Alerts implements alert.Store: see alert.Query for the filters.
func (s *AlertStore) Alerts(ctx context.Context, q alert.Query) ([]*alert.Alert, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	rank := 0
	if q.Level != "" {
		if rank = alert.LevelRank(q.Level); rank == 0 {
			return nil, fmt.Errorf("pgstore: alerts query: unknown level %q (want informational, low, medium, high or critical)", q.Level)
		}
	}
	var w where
	if !q.Since.IsZero() {
		w.add("last_seen_ns >= ", nanos(q.Since))
	}
	if !q.Until.IsZero() {
		w.add("last_seen_ns < ", nanos(q.Until))
	}
	if rank > 0 {
		w.add("level_rank >= ", rank)
	}
	if q.RuleID != "" {
		w.add("rule_id = ", q.RuleID)
	}
	if q.Host != "" {
		w.add("host_lower = ", text(strings.ToLower(q.Host)))
	}
	if q.Status != "" {
		w.add("status = ", q.Status)
	}
	if q.IncidentID != "" {
		w.add("incident_id = ", q.IncidentID)
	}
	sql := "SELECT body::text FROM alerts" + w.sql() + " ORDER BY last_seen_ns DESC, id LIMIT " + w.param(limit(q.Limit))
	return queryBodies[alert.Alert](ctx, s.db, "alerts", sql, w.args...)
}

// Incidents implements alert.Store, over the index on last_seen_ns.
// body is json, not jsonb: a merged incident's body holds merged_into,
// which ->> reads.
func (s *AlertStore) Incidents(ctx context.Context, q alert.IncidentQuery) ([]*alert.Incident, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	var w where
	if !q.Since.IsZero() {
		w.add("last_seen_ns >= ", nanos(q.Since))
	}
	if !q.Merged {
		w.conds = append(w.conds, "coalesce(body->>'merged_into', '') = ''")
	}
	sql := "SELECT body::text FROM incidents" + w.sql() + " ORDER BY last_seen_ns DESC, id LIMIT " + w.param(limit(q.Limit))
	return queryBodies[alert.Incident](ctx, s.db, "incidents", sql, w.args...)
}

// Alert implements alert.Store.
func (s *AlertStore) Alert(ctx context.Context, id string) (*alert.Alert, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	return getBody[alert.Alert](ctx, s.db.pool, "SELECT body::text FROM alerts WHERE id = $1", id)
}

// Incident implements alert.Store.
func (s *AlertStore) Incident(ctx context.Context, id string) (*alert.Incident, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	return getBody[alert.Incident](ctx, s.db.pool, "SELECT body::text FROM incidents WHERE id = $1", id)
}

func limit(n int) int {
	if n <= 0 {
		return alert.DefaultLimit
	}
	return n
}

// where builds a WHERE clause with numbered parameters.
type where struct {
	conds []string
	args  []any
}

// param adds a parameter and returns its placeholder.
func (w *where) param(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add adds the condition "cond $n" with v as parameter n.
func (w *where) add(cond string, v any) { w.conds = append(w.conds, cond+w.param(v)) }

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// queryBodies runs a query of JSON bodies and decodes them.
func queryBodies[T any](ctx context.Context, db *DB, what, sql string, args ...any) ([]*T, error) {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: query %s: %w", what, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("pgstore: query %s: %w", what, err)
		}
		v := new(T)
		if err := json.Unmarshal(body, v); err != nil {
			return nil, fmt.Errorf("pgstore: decode one of the %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: query %s: %w", what, err)
	}
	return out, nil
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// getBody reads and decodes one item's JSON body by id, or ErrNotFound.
func getBody[T any](ctx context.Context, q querier, sql, id string) (*T, error) {
	var body []byte
	if err := q.QueryRow(ctx, sql, id).Scan(&body); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("%w: %q", alert.ErrNotFound, id)
		}
		return nil, fmt.Errorf("pgstore: read %q: %w", id, err)
	}
	v := new(T)
	if err := json.Unmarshal(body, v); err != nil {
		return nil, fmt.Errorf("pgstore: decode %q: %w", id, err)
	}
	return v, nil
}
