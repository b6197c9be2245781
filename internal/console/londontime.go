package console

import "github.com/vigilhealth/vigil/internal/report"

// london is the zone every page shows times in.
var london = report.London
