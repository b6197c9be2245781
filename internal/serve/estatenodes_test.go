package serve

import (
	"context"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestNodeEstateForgetsDepartedNodes: estate.learned_max_age reaches the
// shared estate store, so that a detect node's save deletes the learned
// assets of a node that has not saved for longer; 0 keeps them.
func TestNodeEstateForgetsDepartedNodes(t *testing.T) {
	tests := []struct {
		maxAge time.Duration
		want   int // learned assets read back
	}{
		{time.Hour, 1},
		{0, 2},
	}
	for _, tc := range tests {
		ctx := context.Background()
		db := pgtest.Open(t, t.TempDir(), pgstore.Options{MaxConns: 2})
		longAgo := func() time.Time { return time.Now().Add(-2 * time.Hour) }
		gone := db.EstateWith(pgstore.EstateOptions{Now: longAgo})
		if err := gone.SaveLearned(ctx, "det-gone", []estate.Asset{{Name: "WARD7-PC01"}}); err != nil {
			t.Fatal(err)
		}
		s := &Service{cfg: Config{Estate: EstateConfig{LearnedMaxAge: tc.maxAge}}}
		if err := s.nodeEstate(db).SaveLearned(ctx, "det-1", []estate.Asset{{Name: "PACS-01", LastSeen: time.Now()}}); err != nil {
			t.Fatal(err)
		}
		// Read without ageing: what is left in the table.
		as, _, err := db.Estate().Learned(ctx)
		if err != nil || len(as) != tc.want {
			t.Errorf("learned_max_age %v: %d assets left (%v), want %d", tc.maxAge, len(as), err, tc.want)
		}
	}
}
