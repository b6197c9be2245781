package pgstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/alert"
)

// linkReason is why the cross-partition linker merges incidents, in the
// notes of the incident kept.
const linkReason = "their alerts are linked across partitions"

// maxMergeChain bounds how many merged incidents MergeIncidents and the
// fold of CommitPartition follow to find the one kept: merges always go
// into an open incident, so chains stay short; a longer one is an error
// rather than a loop.
const maxMergeChain = 32

// MergeIncidents merges the incidents from into the incident into, in
// one transaction, as the Deduper merges incidents a new alert links:
// into takes their alert ids, hosts, users, entities, span, and the
// title of the higher level, both sides get a "merged" note at at, the
// others record merged_into, and their alerts' incident_id names into.
// An into that was merged meanwhile stands for the incident it was
// merged into; incidents of from already merged (into it or elsewhere)
// are left as they are, so a merge applied twice changes nothing.
func (s *AlertStore) MergeIncidents(ctx context.Context, into string, from []string, at time.Time) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		all := append([]string{into}, from...)
		slices.Sort(all)
		held, err := lockBodies[alert.Incident](ctx, tx, "incidents", slices.Compact(all))
		if err != nil {
			return err
		}
		root, err := keptIncident(ctx, tx, held, into)
		if err != nil {
			return err
		}
		var merged []string
		for _, id := range from {
			f := held[id]
			if f == nil || f.MergedInto != "" || f.ID == root.ID {
				continue
			}
			if alert.MergeInto(root, f, at, linkReason) {
				merged = append(merged, f.ID)
			}
		}
		if len(merged) == 0 {
			return nil
		}
		write := []*alert.Incident{root}
		for _, id := range merged {
			write = append(write, held[id])
		}
		if err := upsertIncidents(ctx, tx, write); err != nil {
			return err
		}
		return repointAlerts(ctx, tx, merged, root.ID)
	})
	if err != nil {
		return fmt.Errorf("pgstore: merge incidents %v into %s: %w", from, into, err)
	}
	return nil
}

// keptIncident is the incident id stands for: itself, or the one it was
// merged into, followed through merges and locked. held has the rows
// already locked.
func keptIncident(ctx context.Context, tx pgx.Tx, held map[string]*alert.Incident, id string) (*alert.Incident, error) {
	for range maxMergeChain {
		inc := held[id]
		if inc == nil {
			more, err := lockBodies[alert.Incident](ctx, tx, "incidents", []string{id})
			if err != nil {
				return nil, err
			}
			if inc = more[id]; inc == nil {
				return nil, fmt.Errorf("incident %s: %w", id, alert.ErrNotFound)
			}
			held[id] = inc
		}
		if inc.MergedInto == "" {
			return inc, nil
		}
		id = inc.MergedInto
	}
	return nil, fmt.Errorf("incident %s: more than %d merges in a chain", id, maxMergeChain)
}

// repointAlerts makes the alerts of the incidents from name into, in
// their incident_id column and their body.
func repointAlerts(ctx context.Context, tx pgx.Tx, from []string, into string) error {
	rows, err := tx.Query(ctx, "SELECT id FROM alerts WHERE incident_id = ANY($1) ORDER BY id", from)
	if err != nil {
		return fmt.Errorf("find the alerts of incidents %v: %w", from, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(ids) == 0 {
		return err
	}
	stored, err := lockBodies[alert.Alert](ctx, tx, "alerts", ids)
	if err != nil {
		return err
	}
	as := make([]*alert.Alert, 0, len(stored))
	for _, id := range ids {
		if a := stored[id]; a != nil && slices.Contains(from, a.IncidentID) {
			a.IncidentID = into
			as = append(as, a)
		}
	}
	if len(as) == 0 {
		return nil
	}
	return upsertAlerts(ctx, tx, as)
}
