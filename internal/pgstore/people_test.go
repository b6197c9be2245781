package pgstore_test

import (
	"testing"

	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/people/peopletest"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

func TestPeopleStore(t *testing.T) {
	peopletest.Run(t, func(t *testing.T, dir string) people.DataStore {
		return pgtest.Open(t, dir, pgstore.Options{}).People()
	})
}
