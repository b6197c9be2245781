package pgstore_test

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/alert/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// openAlerts is the suite's Opener: dir names a schema, and every open
// is a new DB (a new pool), as a restarted node's would be.
func openAlerts(t *testing.T, dir string) alert.Store {
	return pgtest.Open(t, dir, pgstore.Options{}).Alerts()
}

func TestAlertStore(t *testing.T) {
	storetest.Run(t, openAlerts)
}

func TestAlertPartitions(t *testing.T) {
	storetest.RunPartition(t, func(t *testing.T, dir string) alert.PartitionStore {
		return pgtest.Open(t, dir, pgstore.Options{}).Alerts()
	})
}
