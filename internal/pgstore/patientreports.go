package pgstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhealth/vigil/internal/privacy"
)

// PatientReports is the PostgreSQL privacy.PatientReportStore: the
// record of patient access reports given, shared by the API nodes, in
// patient_reports, patients named under the key in patient_report_key.
// privacy.PatientReportStore's Record has no context: a call is bounded
// by the pool's connect time-out and the server's own.
type PatientReports struct {
	db  *DB
	mu  sync.Mutex
	key []byte // read (or made) at the first Record
}

var _ privacy.PatientReportStore = (*PatientReports)(nil)

// PatientReports returns the DB's record of patient access reports.
func (db *DB) PatientReports() *PatientReports { return &PatientReports{db: db} }

// refKey returns the shared key, making it if no node has yet. Two nodes
// making one at once agree: the insert that loses changes nothing, and
// both read the row that won.
func (s *PatientReports) refKey(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	if _, err := s.db.pool.Exec(ctx, "INSERT INTO patient_report_key (key) VALUES ($1) ON CONFLICT DO NOTHING",
		privacy.NewPatientReportKey()); err != nil {
		return nil, fmt.Errorf("make the patient reference key: %w", err)
	}
	var key []byte
	if err := s.db.pool.QueryRow(ctx, "SELECT key FROM patient_report_key").Scan(&key); err != nil {
		return nil, fmt.Errorf("read the patient reference key: %w", err)
	}
	s.key = key
	return key, nil
}

// Record implements privacy.PatientReportStore: one row, committed
// before it returns.
func (s *PatientReports) Record(pr *privacy.PatientReport, format, by, via string, at time.Time) (privacy.PatientReportRecord, error) {
	ctx := context.Background()
	key, err := s.refKey(ctx)
	if err != nil {
		return privacy.PatientReportRecord{}, fmt.Errorf("pgstore: record a patient access report: %w", err)
	}
	rec := privacy.NewPatientReportRecord(key, pr, format, by, via, at)
	_, err = s.db.pool.Exec(ctx, `INSERT INTO patient_reports (at, by_whom, patient, format, via, accesses)
		VALUES ($1, $2, $3, $4, $5, $6)`, rec.At, rec.By, rec.Patient, rec.Format, rec.Via, rec.Accesses)
	if err != nil {
		return rec, fmt.Errorf("pgstore: record a patient access report in table patient_reports: %w", err)
	}
	return rec, nil
}

// PatientReports implements privacy.PatientReportStore: every row in
// the order recorded. A row always reads: the table's checks refuse one
// the file log would call unreadable.
func (s *PatientReports) PatientReports(ctx context.Context) (privacy.PatientReports, error) {
	rows, err := s.db.pool.Query(ctx, "SELECT at, by_whom, patient, format, via, accesses FROM patient_reports ORDER BY seq")
	if err != nil {
		return privacy.PatientReports{}, fmt.Errorf("pgstore: read table patient_reports: %w", err)
	}
	recs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (privacy.PatientReportRecord, error) {
		var rec privacy.PatientReportRecord
		err := r.Scan(&rec.At, &rec.By, &rec.Patient, &rec.Format, &rec.Via, &rec.Accesses)
		rec.At = rec.At.UTC()
		return rec, err
	})
	if err != nil {
		return privacy.PatientReports{}, fmt.Errorf("pgstore: read table patient_reports: %w", err)
	}
	return privacy.PatientReports{Records: recs}, nil
}
