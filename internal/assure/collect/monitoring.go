package collect

import (
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
)

// Monitoring is what the flow watch and the event store show of coverage.
type Monitoring struct {
	Events         int64 // events stored in the period
	Sources        int   // sources (listener, host, feed) the flow watch knows
	Silent         int   // of them, silent or far below their normal rate now
	Baselined      int   // of them, with a learned normal rate
	HostSources    int   // hosts sending their own logs (Windows event logs, ...)
	NetworkSources int   // network devices sending syslog (firewall, VPN)
}

// MonitoringCollector gives evidence on monitoring coverage (C1.a) and on
// knowing what normal looks like (C2.a).
func MonitoringCollector(m Monitoring) assure.Collector {
	return collector{name: "monitoring", claims: func(time.Time) []claim {
		if m.Events == 0 && m.Sources == 0 {
			return []claim{{ids("C1.a.1"), true, "No security data reached Vigil in the period."}}
		}
		out := []claim{{ids("C1.a.1"), false, fmt.Sprintf("Vigil received %d events from %d sources in the period; %d of them are silent or far below their normal rate now.", m.Events, m.Sources, m.Silent)},
			{ids("C1.a.5"), true, fmt.Sprintf("Security data is collected from %d hosts and %d network devices.", m.HostSources, m.NetworkSources)}}
		if m.NetworkSources > 0 {
			out = append(out, shows(fmt.Sprintf("Traffic crossing the network boundary is logged: %d network devices (firewall, VPN) send syslog.", m.NetworkSources),
				ids("C1.a.4"), ids("C1.a.8"))...)
		}
		if m.NetworkSources > 0 && m.HostSources > 0 && m.Silent == 0 {
			out = append(out, claim{ids("C1.a.13"), true, "Both host logs and network gateways report, and no source is silent."})
		}
		if m.Baselined > 0 {
			out = append(out, claim{ids("C2.a.1", "C2.a.2"), false, fmt.Sprintf("Vigil has learned the normal rate of %d sources by hour of the week and flags a source that goes silent, drops or surges.", m.Baselined)})
		}
		return out
	}}
}
