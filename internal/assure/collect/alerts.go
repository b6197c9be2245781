package collect

import (
	"fmt"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
)

// Alerts is what the alert store shows of detection and triage in a period.
type Alerts struct {
	Events           int64 // events checked against the rules in the period
	Total            int   // alerts raised
	WithHost         int   // of them, naming the host they came from
	Incidents        int   // incidents they were grouped into
	Triaged          int   // alerts a person acknowledged or closed
	ClosedWithReason int   // alerts closed with a reason (true or false positive, ...)
	// ThreatFeed names the threat intelligence in use ("CISA KEV catalogue
	// 2025.08.25"); empty when none is installed. ThreatFeedDate is when it
	// was released.
	ThreatFeed     string
	ThreatFeedDate time.Time
}

// FeedFresh and FeedStale bound a threat feed's age: updates applied within
// a month are timely; a feed over three months old is not being updated.
const (
	FeedFresh = 31 * 24 * time.Hour
	FeedStale = 92 * 24 * time.Hour
)

// AlertsCollector gives evidence on generating alerts (C1.c) and on
// identifying incidents with threat intelligence (C1.d).
func AlertsCollector(a Alerts) assure.Collector {
	return collector{name: "alerts", claims: func(at time.Time) []claim {
		var out []claim
		if a.Events > 0 {
			out = append(out, shows(fmt.Sprintf("Each of the %d events received in the period was checked against the detection rules as it arrived, and all are searchable in one place.", a.Events),
				ids("C1.c.2", "C1.c.5"), ids("C1.c.7", "C1.c.10", "C1.c.15"))...)
		}
		if a.Total > 0 && a.WithHost == a.Total {
			out = append(out, shows(fmt.Sprintf("All %d alerts name the host they came from as they are raised.", a.Total),
				ids("C1.c.3"), ids("C1.c.8", "C1.c.13"))...)
		}
		if a.Total > 0 {
			held := ids("C1.c.9")
			if a.Incidents > 0 {
				held = append(held, "C1.c.14")
			}
			out = append(out, shows(fmt.Sprintf("Every alert carries a level, and the %d alerts were grouped into %d incidents.", a.Total, a.Incidents), ids("C1.c.4"), held)...)
			if a.Triaged == 0 {
				out = append(out, claim{ids("C1.c.6"), false, fmt.Sprintf("No one acknowledged or closed any of the %d alerts in Vigil in the period.", a.Total)})
			} else {
				out = append(out, claim{ids("C1.c.6"), true, fmt.Sprintf("People acknowledged or closed %d of %d alerts (%s).", a.Triaged, a.Total, pct(a.Triaged, a.Total))})
			}
		}
		if a.ClosedWithReason > 0 {
			out = append(out, claim{ids("C1.d.8"), true, fmt.Sprintf("%d alerts were closed with a reason (true or false positive), which shows how well the rules and feeds work.", a.ClosedWithReason)})
		}
		return append(out, feedClaims(a, at)...)
	}}
}

// feedClaims speaks to threat intelligence from the feed's age.
func feedClaims(a Alerts, at time.Time) []claim {
	if a.ThreatFeed == "" {
		return nil
	}
	date := a.ThreatFeedDate.Format("2 January 2006")
	out := shows("Vigil checks the estate against the "+a.ThreatFeed+", released "+date+".", ids("C1.d.1"), ids("C1.d.5"))
	switch age := at.Sub(a.ThreatFeedDate); {
	case age <= FeedFresh:
		out = append(out, claim{ids("C1.d.7"), true, "The threat feed in use was released within the last month (" + date + ")."})
	case age > FeedStale:
		out = append(out, claim{ids("C1.d.2"), true, fmt.Sprintf("The threat feed in use is %d days old (%s): it is not being updated.", int(age.Hours()/24), date)})
	}
	return out
}
