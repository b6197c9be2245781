package pgstore_test

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/estate/estatetest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

func TestEstateStore(t *testing.T) {
	estatetest.Run(t, func(t *testing.T, dir string) estate.Store {
		return pgtest.Open(t, dir, pgstore.Options{}).Estate()
	})
}
