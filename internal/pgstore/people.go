package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/people"
)

// PeopleStore is the PostgreSQL people.DataStore: the imported data as
// one document with its generation, reports and guidance in order added, pulse counts by
// cell (added under the cell's row lock, so that answers from several
// nodes all count) and the pulse links' secret, made once.
type PeopleStore struct {
	db     *DB
	closed atomic.Bool
}

var _ people.DataStore = (*PeopleStore)(nil)

// People returns the DB's people store. Its Close ends only this handle.
func (db *DB) People() *PeopleStore { return &PeopleStore{db: db} }

func (s *PeopleStore) usable(ctx context.Context) error {
	if s.closed.Load() {
		return people.ErrClosed
	}
	return ctx.Err()
}

// LoadImported implements people.DataStore.
func (s *PeopleStore) LoadImported(ctx context.Context) (people.Imported, error) {
	if err := s.usable(ctx); err != nil {
		return people.Imported{}, fmt.Errorf("pgstore: load imported people data: %w", err)
	}
	var body []byte
	var gen int64
	err := s.db.pool.QueryRow(ctx, "SELECT body, generation FROM people_imported").Scan(&body, &gen)
	if errors.Is(err, pgx.ErrNoRows) {
		return people.Imported{}, nil
	}
	if err != nil {
		return people.Imported{}, fmt.Errorf("pgstore: read table people_imported: %w", err)
	}
	var im people.Imported
	if err := json.Unmarshal(body, &im); err != nil {
		return people.Imported{}, fmt.Errorf("pgstore: decode table people_imported (generation %d): %w", gen, err)
	}
	im.Generation = uint64(gen)
	return im, nil
}

// SaveImported implements people.DataStore: the generation is one more
// than the row's, in the same statement, so that two nodes saving at
// once take two generations.
func (s *PeopleStore) SaveImported(ctx context.Context, im people.Imported) (uint64, error) {
	if err := people.CheckImported(im); err != nil {
		return 0, err
	}
	if err := s.usable(ctx); err != nil {
		return 0, fmt.Errorf("pgstore: save imported people data: %w", err)
	}
	im.Generation = 0 // kept in its column, not the document
	body, err := jsonText("imported people data", im)
	var gen int64
	if err == nil {
		err = s.db.pool.QueryRow(ctx, `INSERT INTO people_imported (body, generation) VALUES ($1, 1)
			ON CONFLICT (singleton) DO UPDATE SET body = excluded.body, generation = people_imported.generation + 1
			RETURNING generation`, body).Scan(&gen)
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: save imported people data (%d staff): %w", len(im.Staff), err)
	}
	return uint64(gen), nil
}

// ImportGeneration implements people.DataStore: the generation column
// alone, not the document.
func (s *PeopleStore) ImportGeneration(ctx context.Context) (uint64, error) {
	if err := s.usable(ctx); err != nil {
		return 0, fmt.Errorf("pgstore: import generation: %w", err)
	}
	var gen int64
	err := s.db.pool.QueryRow(ctx, "SELECT generation FROM people_imported").Scan(&gen)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: import generation: read table people_imported: %w", err)
	}
	return uint64(gen), nil
}

// AddReport implements people.DataStore.
func (s *PeopleStore) AddReport(ctx context.Context, r people.Report) (string, error) {
	if err := s.usable(ctx); err != nil {
		return "", fmt.Errorf("pgstore: add a phishing report: %w", err)
	}
	id, err := people.NewReportID()
	if err != nil {
		return "", err
	}
	r.ID = id
	body, err := jsonText("phishing report", r)
	if err == nil {
		_, err = s.db.pool.Exec(ctx, "INSERT INTO people_reports (id, body) VALUES ($1, $2)", id, body)
	}
	if err != nil {
		return "", fmt.Errorf("pgstore: add phishing report %s from %s: %w", id, r.Reporter, err)
	}
	return id, nil
}

// ListReports implements people.DataStore.
func (s *PeopleStore) ListReports(ctx context.Context) ([]people.Report, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: list phishing reports: %w", err)
	}
	rs, err := queryJSON[people.Report](ctx, s.db, "table people_reports", "SELECT body FROM people_reports ORDER BY seq")
	return rs, wrapErr(err)
}

// AddGuidance implements people.DataStore.
func (s *PeopleStore) AddGuidance(ctx context.Context, m people.Message) error {
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: add guidance: %w", err)
	}
	body, err := jsonText("guidance", m)
	if err == nil {
		_, err = s.db.pool.Exec(ctx, "INSERT INTO people_guidance (staff_id, body) VALUES ($1, $2)", m.StaffID, body)
	}
	if err != nil {
		return fmt.Errorf("pgstore: add guidance on %s to %s: %w", m.Topic, m.StaffID, err)
	}
	return nil
}

// ListGuidance implements people.DataStore.
func (s *PeopleStore) ListGuidance(ctx context.Context) ([]people.Message, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: list guidance: %w", err)
	}
	ms, err := queryJSON[people.Message](ctx, s.db, "table people_guidance", "SELECT body FROM people_guidance ORDER BY seq")
	return ms, wrapErr(err)
}

// AddPulseCount implements people.DataStore: the cell's row is made if
// missing, locked, and its count summed in Go (PulseCount.Plus).
func (s *PeopleStore) AddPulseCount(ctx context.Context, c people.PulseCount) error {
	if err := c.Check(); err != nil {
		return err
	}
	if err := s.usable(ctx); err != nil {
		return fmt.Errorf("pgstore: add a pulse count: %w", err)
	}
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		zero, err := jsonText("pulse count", people.PulseCount{Round: c.Round, Group: c.Group, Site: c.Site})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO people_pulse_counts (round, staff_group, site, body)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, c.Round, c.Group, c.Site, zero); err != nil {
			return err
		}
		var b []byte
		if err := tx.QueryRow(ctx, `SELECT body FROM people_pulse_counts
			WHERE round = $1 AND staff_group = $2 AND site = $3 FOR UPDATE`, c.Round, c.Group, c.Site).Scan(&b); err != nil {
			return err
		}
		var cur people.PulseCount
		if err := json.Unmarshal(b, &cur); err != nil {
			return fmt.Errorf("decode the stored count: %w", err)
		}
		body, err := jsonText("pulse count", cur.Plus(c))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE people_pulse_counts SET body = $4
			WHERE round = $1 AND staff_group = $2 AND site = $3`, c.Round, c.Group, c.Site, body)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: add the pulse count of %s/%s/%s: %w", c.Round, c.Group, c.Site, err)
	}
	return nil
}

// PulseCounts implements people.DataStore.
func (s *PeopleStore) PulseCounts(ctx context.Context) ([]people.PulseCount, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: read pulse counts: %w", err)
	}
	cs, err := queryJSON[people.PulseCount](ctx, s.db, "table people_pulse_counts", "SELECT body FROM people_pulse_counts ORDER BY seq")
	return cs, wrapErr(err)
}

// PulseKey implements people.DataStore: the first node to ask stores a
// random key; every node then reads that one.
func (s *PeopleStore) PulseKey(ctx context.Context) ([]byte, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: pulse key: %w", err)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("pgstore: pulse key: %w", err)
	}
	var key []byte
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO people_pulse_key (key) VALUES ($1) ON CONFLICT DO NOTHING", fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT key FROM people_pulse_key").Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: pulse key: %w", err)
	}
	return key, nil
}

// Close implements people.DataStore.
func (s *PeopleStore) Close() error {
	s.closed.Store(true)
	return nil
}
