package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/privacy/privacytest"
)

func TestPatientReports(t *testing.T) {
	privacytest.RunPatientReports(t, func(t *testing.T, dir string) privacy.PatientReportStore {
		return pgtest.Open(t, dir, pgstore.Options{}).PatientReports()
	})
}

// TestPatientReportsShareKey: two API nodes, each with its own pool and
// each recording first, name one patient alike, and the table holds no
// NHS number.
func TestPatientReportsShareKey(t *testing.T) {
	dir := t.TempDir()
	a, b := pgtest.Open(t, dir, pgstore.Options{}), pgtest.Open(t, dir, pgstore.Options{})
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	type result struct {
		rec privacy.PatientReportRecord
		err error
	}
	done := make(chan result, 2)
	for _, db := range []*pgstore.DB{a, b} {
		go func() {
			rec, err := db.PatientReports().Record(&privacy.PatientReport{NHSNumber: "943 476 5919"}, "pdf", "po", privacy.ViaConsole, at)
			done <- result{rec, err}
		}()
	}
	r1, r2 := <-done, <-done
	if r1.err != nil || r2.err != nil {
		t.Fatalf("records: %v, %v", r1.err, r2.err)
	}
	if r1.rec.Patient != r2.rec.Patient {
		t.Fatalf("two nodes named one patient %q and %q", r1.rec.Patient, r2.rec.Patient)
	}
	var n int
	if err := a.Pool().QueryRow(context.Background(),
		"SELECT count(*) FROM patient_reports WHERE patient LIKE '%9434765919%' OR by_whom LIKE '%9434765919%'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows naming the NHS number: %d, %v", n, err)
	}
}
