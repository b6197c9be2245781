package serve

import (
	"context"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
)

// knownAssets are the assets known now, imported (estate.assets) and
// learned, checked against the feeds: the learned ones are this process's
// inventory in role all, and on an API node those saved in the shared
// database (none until a process saves them there: the scaled-out roles
// do not learn assets yet, see docs/scale-out.md).
func (s *Service) knownAssets(ctx context.Context, at time.Time) ([]estate.Finding, error) {
	if s.node == nil {
		return s.estate.assets(at), nil
	}
	learned, _, err := s.node.db.Estate().Learned(ctx)
	if err != nil {
		return nil, err
	}
	return s.estate.check(learned, at), nil
}
