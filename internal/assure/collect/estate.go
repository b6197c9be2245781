package collect

import (
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
)

// Estate is what checking the assets against end-of-life data and the KEV
// catalogue shows.
type Estate struct {
	Assets       int // assets checked
	SupportKnown int // of them, whose support status is known
	Unsupported  int // out of support
	Mitigated    int // of the unsupported, with a mitigation in the risk register
	KEVAssets    int // running a product in the KEV catalogue
	Ransomware   int // of them, with a vulnerability known to be used by ransomware
}

// EstateCollector gives evidence on vulnerability management (B4.d).
func EstateCollector(e Estate) assure.Collector {
	return collector{name: "estate", claims: func(time.Time) []claim {
		if e.Assets == 0 {
			return nil
		}
		out := shows(fmt.Sprintf("%d assets were checked against end-of-life data and the known-exploited vulnerabilities catalogue: %d run a product with known-exploited vulnerabilities (%d used by ransomware).", e.Assets, e.KEVAssets, e.Ransomware),
			ids("B4.d.1"), ids("B4.d.6"))
		switch {
		case e.Unsupported == 0 && e.SupportKnown > 0:
			out = append(out, claim{ids("B4.d.14"), true, fmt.Sprintf("All %d assets whose support is known are supported.", e.SupportKnown)})
		case e.Unsupported > 0 && e.Mitigated == e.Unsupported:
			out = append(out, claim{ids("B4.d.14"), false, fmt.Sprintf("%d assets are out of support.", e.Unsupported)})
			out = append(out, shows(fmt.Sprintf("Each of the %d unsupported systems has a mitigation in the risk register.", e.Unsupported), ids("B4.d.4"), ids("B4.d.9"))...)
		case e.Unsupported > 0:
			out = append(out, claim{ids("B4.d.14"), false, fmt.Sprintf("%d assets are out of support.", e.Unsupported)})
			out = append(out, claim{ids("B4.d.4"), true, fmt.Sprintf("%d of %d unsupported systems have no mitigation recorded in the risk register.", e.Unsupported-e.Mitigated, e.Unsupported)})
		}
		return out
	}}
}
