package estate

import (
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// sharedFeeds loads the shared end-of-life data and KEV catalogue once
// for all tests.
var sharedFeeds = struct {
	once sync.Once
	l    *Lifecycles
	k    *Catalog
	err  error
}{}

func loadShared(t testing.TB) (*Lifecycles, *Catalog) {
	t.Helper()
	dir := sharedtest.Path(t, "endoflife", "products")
	kev := sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json")
	sharedFeeds.once.Do(func() {
		sharedFeeds.l, sharedFeeds.err = LoadLifecycles(dir)
		if sharedFeeds.err == nil {
			sharedFeeds.k, sharedFeeds.err = LoadKEV(kev)
		}
	})
	if sharedFeeds.err != nil {
		t.Fatal(sharedFeeds.err)
	}
	return sharedFeeds.l, sharedFeeds.k
}

func sharedChecker(t testing.TB) *Checker {
	l, k := loadShared(t)
	return &Checker{Lifecycles: l, KEV: k}
}
