package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/alert"
)

// ClaimPartition implements alert.PartitionStore: one statement records
// epoch as p's owner unless a later epoch holds it, so that the previous
// owner is fenced the moment the claim returns, even if it is still in the
// middle of a batch.
func (s *AlertStore) ClaimPartition(ctx context.Context, p int, epoch uint64) (uint64, []byte, error) {
	if err := s.usable(ctx); err != nil {
		return 0, nil, err
	}
	e, err := toInt64("epoch", epoch)
	if err != nil {
		return 0, nil, fmt.Errorf("pgstore: claim partition %d: %w", p, err)
	}
	var seq int64
	var state []byte
	err = s.db.pool.QueryRow(ctx, `INSERT INTO alert_partitions AS p (partition, epoch) VALUES ($1, $2)
		ON CONFLICT (partition) DO UPDATE SET epoch = excluded.epoch WHERE p.epoch <= excluded.epoch
		RETURNING seq, state`, p, e).Scan(&seq, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, fmt.Errorf("pgstore: claim partition %d at epoch %d: %w", p, epoch, alert.ErrFenced)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("pgstore: claim partition %d at epoch %d: %w", p, epoch, err)
	}
	return uint64(seq), state, nil
}

// CommitPartition implements alert.PartitionStore: the transaction locks
// p's row first and goes on only if epoch still owns it. Its incidents
// and alerts are folded into what is stored (see writeFolded), so that
// the merges of MergeIncidents hold against a node that still holds the
// incidents as they were.
func (s *AlertStore) CommitPartition(ctx context.Context, p int, epoch, seq uint64, state []byte, alerts []*alert.Alert, incidents []*alert.Incident) error {
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: commit partition %d at sequence %d: %w", p, seq, err)
	}
	e, err := toInt64("epoch", epoch)
	if err == nil {
		_, err = toInt64("sequence", seq)
	}
	if err != nil {
		return fmt.Errorf("pgstore: commit partition %d: %w", p, err)
	}
	b, err := newBatch(alerts, incidents)
	if err != nil {
		return fmt.Errorf("pgstore: commit partition %d at sequence %d: %w", p, seq, err)
	}
	b.fold = true // the cross-partition linker may have merged what the node holds
	err = s.db.inTx(ctx, func(tx pgx.Tx) error {
		var cur, last int64
		err := tx.QueryRow(ctx, "SELECT epoch, seq FROM alert_partitions WHERE partition = $1 FOR UPDATE", p).Scan(&cur, &last)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("the partition was never claimed (call ClaimPartition first)")
		case err != nil:
			return fmt.Errorf("read the partition's epoch: %w", err)
		case cur > e:
			return fmt.Errorf("epoch %d owns it: %w", cur, alert.ErrFenced)
		case cur < e:
			return fmt.Errorf("epoch %d has not claimed it (epoch %d owns it; call ClaimPartition first)", e, cur)
		case int64(seq) < last:
			return fmt.Errorf("the partition is already at %d, and sequences never go back", last)
		}
		if err := b.write(ctx, tx); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE alert_partitions SET seq = $2, state = $3 WHERE partition = $1", p, int64(seq), state)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: commit partition %d at epoch %d, sequence %d: %w", p, epoch, seq, err)
	}
	return nil
}
