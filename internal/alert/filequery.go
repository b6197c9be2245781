package alert

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"
)

// DefaultLimit is how many alerts or incidents a query returns when it
// sets no limit.
const DefaultLimit = 1000

// Alerts implements Store: see Query for the filters. The alerts returned
// are copies.
func (s *FileStore) Alerts(ctx context.Context, q Query) ([]*Alert, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rank := 0
	if q.Level != "" {
		if rank = LevelRank(q.Level); rank == 0 {
			return nil, fmt.Errorf("alert: query: unknown level %q (want informational, low, medium, high or critical)", q.Level)
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	var out []*Alert
	for _, e := range s.alerts {
		if a := e.v; matches(a, q, rank) {
			out = append(out, a)
		}
	}
	out = newestFirst(out, func(a *Alert) (time.Time, string) { return a.LastSeen, a.ID }, q.Limit)
	for i, a := range out {
		c := cloneAlert(a)
		c.Event = maps.Clone(a.Event)
		out[i] = c
	}
	return out, nil
}

func matches(a *Alert, q Query, rank int) bool {
	switch {
	case !q.Since.IsZero() && a.LastSeen.Before(q.Since),
		!q.Until.IsZero() && !a.LastSeen.Before(q.Until),
		rank > 0 && LevelRank(a.Level) < rank,
		q.RuleID != "" && a.RuleID != q.RuleID,
		q.Host != "" && !strings.EqualFold(a.Host, q.Host),
		q.Status != "" && a.Status != q.Status,
		q.IncidentID != "" && a.IncidentID != q.IncidentID:
		return false
	}
	return true
}

// Incidents implements Store. The incidents returned are copies.
func (s *FileStore) Incidents(ctx context.Context, q IncidentQuery) ([]*Incident, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	var out []*Incident
	for _, e := range s.incidents {
		if !e.v.LastSeen.Before(q.Since) && (q.Merged || e.v.MergedInto == "") {
			out = append(out, e.v)
		}
	}
	out = newestFirst(out, func(inc *Incident) (time.Time, string) { return inc.LastSeen, inc.ID }, q.Limit)
	for i, inc := range out {
		out[i] = cloneIncident(inc)
	}
	return out, nil
}

// newestFirst sorts items by time, newest first, then by ID, and cuts
// them to limit (DefaultLimit if limit <= 0).
func newestFirst[T any](items []T, key func(T) (time.Time, string), limit int) []T {
	if limit <= 0 {
		limit = DefaultLimit
	}
	slices.SortFunc(items, func(a, b T) int {
		ta, ia := key(a)
		tb, ib := key(b)
		if c := tb.Compare(ta); c != 0 {
			return c
		}
		return strings.Compare(ia, ib)
	})
	return items[:min(len(items), limit)]
}

func mapKeys[T any](m map[string]stored[T]) iter.Seq[string] { return maps.Keys(m) }
