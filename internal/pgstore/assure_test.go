package pgstore_test

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/assure/assuretest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

func TestAssureStore(t *testing.T) {
	assuretest.Run(t, func(t *testing.T, dir string) assure.Store {
		return pgtest.Open(t, dir, pgstore.Options{}).Assure()
	})
}
