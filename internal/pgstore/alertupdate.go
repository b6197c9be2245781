package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/alert"
)

// UpdateAlert implements alert.Store: the stored alert is locked, changed
// and written back in one transaction; the position does not move.
func (s *AlertStore) UpdateAlert(ctx context.Context, id string, ch alert.Change) (*alert.Alert, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	if err := ch.Validate(); err != nil {
		return nil, err
	}
	var out *alert.Alert
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		a, err := getBody[alert.Alert](ctx, tx, "SELECT body::text FROM alerts WHERE id = $1 FOR UPDATE", id)
		if err != nil {
			return err
		}
		ch.ApplyToAlert(a, time.Now().UTC())
		out = a
		return upsertAlerts(ctx, tx, []*alert.Alert{a})
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: update alert %s: %w", id, err)
	}
	return out, nil
}

// UpdateIncident implements alert.Store, as UpdateAlert.
func (s *AlertStore) UpdateIncident(ctx context.Context, id string, ch alert.Change) (*alert.Incident, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	if err := ch.Validate(); err != nil {
		return nil, err
	}
	var out *alert.Incident
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		inc, err := getBody[alert.Incident](ctx, tx, "SELECT body::text FROM incidents WHERE id = $1 FOR UPDATE", id)
		if err != nil {
			return err
		}
		ch.ApplyToIncident(inc, time.Now().UTC())
		out = inc
		return upsertIncidents(ctx, tx, []*alert.Incident{inc})
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: update incident %s: %w", id, err)
	}
	return out, nil
}
