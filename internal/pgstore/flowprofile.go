package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/alert"
)

// FlowProfile is one partition's saved flow watch profile.
type FlowProfile struct {
	Partition int
	Epoch     uint64 // the epoch of the holder that saved it
	Profile   []byte // flow.Watch's binary form (MarshalBinary)
	SavedAt   time.Time
}

// FlowProfileStore keeps the flow watch's learned profile of each stream
// partition (table flow_profiles), so that it moves with the partition
// from one detect node to the next.
type FlowProfileStore struct{ db *DB }

// FlowProfiles returns the DB's flow profile store.
func (db *DB) FlowProfiles() *FlowProfileStore { return &FlowProfileStore{db: db} }

// Save stores profile as partition p's, saved by the holder of epoch. It
// fails with alert.ErrFenced when a later epoch has claimed p in
// alert_partitions: a node that has lost the partition must not overwrite
// what the new holder saves. The claim's row is read FOR SHARE, so a
// claim waits for a save in progress and the new holder then reads it.
func (s *FlowProfileStore) Save(ctx context.Context, p int, epoch uint64, profile []byte) error {
	e, err := toInt64("epoch", epoch)
	if err != nil {
		return fmt.Errorf("pgstore: save the flow profile of partition %d: %w", p, err)
	}
	err = s.db.inTx(ctx, func(tx pgx.Tx) error {
		var cur int64
		err := tx.QueryRow(ctx, "SELECT epoch FROM alert_partitions WHERE partition = $1 FOR SHARE", p).Scan(&cur)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("the partition was never claimed (claim it first)")
		case err != nil:
			return fmt.Errorf("read the partition's epoch: %w", err)
		case cur > e:
			return fmt.Errorf("epoch %d owns it: %w", cur, alert.ErrFenced)
		case cur < e:
			return fmt.Errorf("epoch %d has not claimed it (epoch %d owns it)", e, cur)
		}
		_, err = tx.Exec(ctx, `INSERT INTO flow_profiles (partition, epoch, profile, saved_at) VALUES ($1, $2, $3, now())
			ON CONFLICT (partition) DO UPDATE SET epoch = excluded.epoch, profile = excluded.profile, saved_at = excluded.saved_at`,
			p, e, profile)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: save the flow profile of partition %d at epoch %d: %w", p, epoch, err)
	}
	return nil
}

// Load returns partition p's saved profile, or nil when none was saved.
func (s *FlowProfileStore) Load(ctx context.Context, p int) ([]byte, error) {
	var profile []byte
	err := s.db.pool.QueryRow(ctx, "SELECT profile FROM flow_profiles WHERE partition = $1", p).Scan(&profile)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: load the flow profile of partition %d: %w", p, err)
	}
	return profile, nil
}

// All returns every partition's saved profile, by partition.
func (s *FlowProfileStore) All(ctx context.Context) ([]FlowProfile, error) {
	rows, err := s.db.pool.Query(ctx, "SELECT partition, epoch, profile, saved_at FROM flow_profiles ORDER BY partition")
	if err != nil {
		return nil, fmt.Errorf("pgstore: read the flow profiles: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (FlowProfile, error) {
		var fp FlowProfile
		var e int64
		err := r.Scan(&fp.Partition, &e, &fp.Profile, &fp.SavedAt)
		fp.Epoch = uint64(e)
		return fp, err
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: read the flow profiles: %w", err)
	}
	return out, nil
}
