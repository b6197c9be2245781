package serve

import (
	"context"

	"github.com/vigilhealth/vigil/internal/report"
)

// gatherReport gathers the console's reports from the data folder as
// vigil report does: the stores are opened read-only beside the live ones
// (a commit being written at that moment is left out), so a report never
// holds up the service.
func (s *Service) gatherReport(ctx context.Context, p report.Period) (*report.Facts, error) {
	return report.Gather(ctx, report.Options{Data: s.cfg.Data, Period: p, Now: s.now(), Log: s.log.With("component", "report")})
}
