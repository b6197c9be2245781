package collect

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
)

// Training is what the training records show at a date.
type Training struct {
	Staff         int      // people in the directory
	WithoutRecord int      // of them, with no training record at all
	Required      int      // person-course pairs required
	Current       int      // of them, held and not expired
	Untrained     []string // staff groups where no one holds a required course
	Guided        int      // people sent just-in-time guidance in the last year
}

// CompleteEnough is the completion at which training is taken as followed
// by all: the DSPT asks for 95% of staff.
const CompleteEnough = 0.95

// TrainingCollector gives evidence on cyber security training (B6.b).
func TrainingCollector(t Training) assure.Collector {
	return collector{name: "training", claims: func(time.Time) []claim {
		if t.Staff == 0 {
			return nil
		}
		var out []claim
		if t.WithoutRecord > 0 {
			out = append(out, claim{ids("B6.b.3"), true, fmt.Sprintf("%d of %d staff have no training record.", t.WithoutRecord, t.Staff)})
		} else {
			out = append(out, claim{ids("B6.b.3"), false, fmt.Sprintf("Every one of the %d staff has a training record, tracked with its expiry.", t.Staff)})
		}
		if len(t.Untrained) > 0 {
			out = append(out, claim{ids("B6.b.1"), true, "No one holds the required training in: " + strings.Join(t.Untrained, ", ") + "."})
		}
		if t.Required > 0 {
			done := float64(t.Current) / float64(t.Required)
			out = append(out, claim{ids("B6.b.7", "B6.b.8"), done >= CompleteEnough,
				fmt.Sprintf("%s of required training is complete and in date (%d of %d); the aim is %.0f%%.", pct(t.Current, t.Required), t.Current, t.Required, 100*CompleteEnough)})
		}
		if t.Guided > 0 {
			out = append(out, claim{ids("B6.b.5"), true, fmt.Sprintf("Besides courses, %d people were sent short guidance at the moment an alert involved them.", t.Guided)})
		}
		return out
	}}
}

// Phishing is what staff reports and simulations show of culture.
type Phishing struct {
	Reports    int     // suspicious emails staff reported in the period
	Campaigns  int     // simulations run
	ReportRate float64 // share of simulated emails reported
	ClickRate  float64 // share clicked
}

// GoodReportRate is the share of simulated phishing reported at which
// reporting is taken as routine (and it must exceed the click rate).
const GoodReportRate = 0.5

// PhishingCollector gives evidence on cyber security culture (B6.a).
func PhishingCollector(p Phishing) assure.Collector {
	return collector{name: "phishing", claims: func(time.Time) []claim {
		var out []claim
		if p.Reports > 0 {
			out = append(out, claim{ids("B6.a.2"), false, fmt.Sprintf("Staff reported %d suspicious emails: they know how to raise a concern.", p.Reports)})
		}
		if p.Campaigns > 0 {
			good := p.ReportRate >= GoodReportRate && p.ReportRate > p.ClickRate
			out = append(out, claim{ids("B6.a.10"), good, fmt.Sprintf("In %d phishing simulations %.0f%% of staff reported the email and %.0f%% clicked.", p.Campaigns, 100*p.ReportRate, 100*p.ClickRate)})
		}
		return out
	}}
}
