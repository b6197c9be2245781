package alert

import (
	"context"
	"fmt"
	"maps"
	"time"
)

// Alert implements Store. The alert returned is a copy.
func (s *FileStore) Alert(ctx context.Context, id string) (*Alert, error) {
	return getItem(ctx, s, id, s.alerts, func(a *Alert) *Alert {
		c := cloneAlert(a)
		c.Event = maps.Clone(a.Event)
		return c
	})
}

// Incident implements Store. The incident returned is a copy.
func (s *FileStore) Incident(ctx context.Context, id string) (*Incident, error) {
	return getItem(ctx, s, id, s.incidents, cloneIncident)
}

func getItem[T any](ctx context.Context, s *FileStore, id string, m map[string]stored[T], clone func(*T) *T) (*T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	e, ok := m[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	return clone(e.v), nil
}

// UpdateAlert implements Store: the change is one more durable commit
// record, at the store's current position.
func (s *FileStore) UpdateAlert(ctx context.Context, id string, ch Change) (*Alert, error) {
	return updateItem(ctx, s, id, ch, s.alerts, cloneAlert, alertPeople,
		func(a *Alert) error { return s.write(s.position(), []*Alert{a}, nil) })
}

// UpdateIncident implements Store, as UpdateAlert.
func (s *FileStore) UpdateIncident(ctx context.Context, id string, ch Change) (*Incident, error) {
	return updateItem(ctx, s, id, ch, s.incidents, cloneIncident, incidentPeople,
		func(inc *Incident) error { return s.write(s.position(), nil, []*Incident{inc}) })
}

// updateItem validates ch, applies it to a copy of item id and writes the
// copy. Writers are serialised by wmu, so the item cannot change between
// reading and writing it.
func updateItem[T any](ctx context.Context, s *FileStore, id string, ch Change, m map[string]stored[T],
	clone func(*T) *T, fields func(*T) people, write func(*T) error) (*T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := ch.validate(); err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	e, ok := m[id]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	c := clone(e.v)
	fields(c).apply(ch, time.Now().UTC())
	if err := write(c); err != nil {
		return nil, fmt.Errorf("alert: update %s: %w", id, err)
	}
	return clone(c), nil
}
