package pgstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/audit/audittest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

func TestAuditChain(t *testing.T) {
	audittest.Run(t, func(t *testing.T, dir string, key []byte) audit.Chain {
		return pgtest.Open(t, dir, pgstore.Options{}).Audit(key)
	})
}

// TestAuditTamper: a change made to the table behind Vigil's back is named
// by Verify at the entry changed.
func TestAuditTamper(t *testing.T) {
	tests := []struct {
		name    string
		sql     string
		wantSeq uint64
	}{
		{"edited entry", "UPDATE audit_log SET line = replace(line, '\"granted\"', '\"denied\"') WHERE seq = 3", 3},
		{"removed entry", "DELETE FROM audit_log WHERE seq = 2", 2},
		{"newest entries cut", "DELETE FROM audit_log WHERE seq > 3", 5},
		{"reordered", "UPDATE audit_log SET seq = seq + 100 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = 104", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
			c := db.Audit(nil)
			for range 5 {
				if _, err := c.Append(audit.Entry{Who: "soc1", Action: "GET /api/v1/alerts", Outcome: "granted"}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Pool().Exec(context.Background(), tc.sql); err != nil {
				t.Fatal(err)
			}
			var ce *audit.ChainError
			if _, err := c.Verify(); !errors.As(err, &ce) || ce.Seq != tc.wantSeq {
				t.Fatalf("Verify after %s: %v, want a ChainError at entry %d", tc.name, err, tc.wantSeq)
			}
		})
	}
}
