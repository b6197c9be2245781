package pgstore_test

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/eventstore/storetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

func TestEventStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) eventstore.Store {
		return pgtest.Open(t, t.TempDir(), pgstore.Options{}).Events(eventstore.Options{})
	})
}

func TestEventStoreDurable(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T, dir string, opts eventstore.Options) eventstore.Store {
		return pgtest.Open(t, dir, pgstore.Options{}).Events(opts)
	}, nil)
}
