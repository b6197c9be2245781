package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/alert"
)

// writeFolded is write for a detect node's commit, which may hold
// incidents as they were before the cross-partition linker merged them
// (MergeIncidents). Incidents go first, each folded into what is stored
// (alert.Absorb: nothing stored is lost, merged_into never cleared); what
// a node adds to an incident that was merged goes to the incident kept,
// and its alerts name that one. Incidents are locked before alerts, as
// MergeIncidents locks them, so that a merge and a commit touching the
// same incident wait for each other and the later sees the earlier.
func (b batch) writeFolded(ctx context.Context, tx pgx.Tx) error {
	if len(b.incidents) > 0 {
		if err := foldIncidents(ctx, tx, b.incidents); err != nil {
			return err
		}
	}
	if len(b.alerts) == 0 {
		return nil
	}
	old, err := lockBodies[alert.Alert](ctx, tx, "alerts", ids(b.alerts, func(a *alert.Alert) string { return a.ID }))
	if err != nil {
		return err
	}
	// Read after the alerts are locked: a merge that re-pointed one of
	// them has committed by now, and its merged_into is seen.
	kept, err := keptIDs(ctx, tx, alertIncidents(b.alerts))
	if err != nil {
		return err
	}
	merged := make([]*alert.Alert, len(b.alerts))
	for i, a := range b.alerts {
		if k := kept[a.IncidentID]; k != "" && k != a.IncidentID {
			c := *a
			c.IncidentID = k
			a = &c
		}
		merged[i] = alert.MergeAlert(old[a.ID], a)
	}
	return upsertAlerts(ctx, tx, merged)
}

// foldIncidents writes the batch's incidents (sorted by id) folded into
// their stored versions.
func foldIncidents(ctx context.Context, tx pgx.Tx, incs []*alert.Incident) error {
	held, err := lockBodies[alert.Incident](ctx, tx, "incidents", ids(incs, func(i *alert.Incident) string { return i.ID }))
	if err != nil {
		return err
	}
	out := map[string]*alert.Incident{}
	var order []string
	put := func(inc *alert.Incident) {
		if out[inc.ID] == nil {
			order = append(order, inc.ID)
		}
		out[inc.ID] = inc
	}
	var redirect []*alert.Incident
	for _, inc := range incs {
		old := held[inc.ID]
		switch {
		case old == nil:
			put(inc)
		case old.MergedInto != "" && inc.MergedInto == "":
			redirect = append(redirect, inc) // merged by the linker: what is new goes to the one kept
		case old.MergedInto != "":
			// the node merged it too: the stored merge stands
		default:
			put(alert.MergeIncident(old, alert.Absorb(old, inc)))
		}
	}
	for _, inc := range redirect {
		root, err := keptIncident(ctx, tx, held, held[inc.ID].MergedInto)
		if err != nil {
			return fmt.Errorf("fold incident %s: %w", inc.ID, err)
		}
		if cur := out[root.ID]; cur != nil {
			root = cur
		}
		put(alert.MergeIncident(root, alert.Absorb(foreign(inc), root)))
	}
	write := make([]*alert.Incident, len(order))
	for i, id := range order {
		write[i] = out[id]
	}
	return upsertIncidents(ctx, tx, write)
}

// foreign is inc as content to add to another incident: its alerts,
// hosts, users, entities, links and span, without its identity, people's
// changes or notes.
func foreign(inc *alert.Incident) *alert.Incident {
	c := *inc
	c.ID, c.Status, c.Assignee, c.History, c.MergedInto = "", "", "", nil, ""
	return &c
}

// alertIncidents lists the incident ids the alerts name, each once.
func alertIncidents(as []*alert.Alert) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range as {
		if a.IncidentID != "" && !seen[a.IncidentID] {
			seen[a.IncidentID] = true
			out = append(out, a.IncidentID)
		}
	}
	return out
}

// keptIDs maps each of ids that was merged to the incident kept at the
// end of its merges; ids not merged are absent.
func keptIDs(ctx context.Context, tx pgx.Tx, ids []string) (map[string]string, error) {
	out := map[string]string{}
	next := map[string]string{} // id -> merged_into, as read
	todo := ids
	for range maxMergeChain {
		if len(todo) == 0 {
			break
		}
		rows, err := tx.Query(ctx, "SELECT id, coalesce(body->>'merged_into', '') FROM incidents WHERE id = ANY($1)", todo)
		if err != nil {
			return nil, fmt.Errorf("read incidents' merges: %w", err)
		}
		var id, into string
		_, err = pgx.ForEachRow(rows, []any{&id, &into}, func() error {
			next[id] = into
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read incidents' merges: %w", err)
		}
		todo = nil
		for _, id := range ids {
			k := resolve(next, id)
			if _, known := next[k]; !known {
				todo = append(todo, k)
			}
		}
	}
	for _, id := range ids {
		if k := resolve(next, id); k != id {
			out[id] = k
		}
	}
	return out, nil
}

// resolve follows next from id while it names a merge.
func resolve(next map[string]string, id string) string {
	for range maxMergeChain {
		into := next[id]
		if into == "" {
			return id
		}
		id = into
	}
	return id
}
