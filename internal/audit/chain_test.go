package audit_test

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/audit/audittest"
)

func TestLogChain(t *testing.T) {
	audittest.Run(t, func(t *testing.T, dir string, key []byte) audit.Chain {
		l, err := audit.Open(dir, audit.Options{Key: key})
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}
