package people

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// CampaignMetrics are one campaign's figures (or, in PhishingFigures.
// Overall, all campaigns'): evidence for CAF B6.a culture. Rates are
// shares of the emails sent, 0 when none was sent.
type CampaignMetrics struct {
	Campaign   string  `json:"campaign"`
	Sent       int     `json:"sent"`
	Opened     int     `json:"opened"`
	Clicked    int     `json:"clicked"`
	Submitted  int     `json:"submitted"`
	Reported   int     `json:"reported"`
	OpenRate   float64 `json:"open_rate"`
	ClickRate  float64 `json:"click_rate"`
	SubmitRate float64 `json:"submit_rate"` // credential submission
	ReportRate float64 `json:"report_rate"`
	// MedianTimeToReport is the median time from sending to the report,
	// over the TimedReports reports whose times the timeline gives; 0
	// when none does.
	MedianTimeToReport time.Duration `json:"median_time_to_report"`
	TimedReports       int           `json:"timed_reports"`
}

// RepeatClicker is someone who clicked in more than one campaign.
type RepeatClicker struct {
	Email     string   `json:"email"`
	Campaigns []string `json:"campaigns"` // campaign names, in the order given
}

// PhishingFigures sum up a programme of phishing simulations.
type PhishingFigures struct {
	Campaigns      []CampaignMetrics `json:"campaigns"`
	Overall        CampaignMetrics   `json:"overall"`
	RepeatClickers []RepeatClicker   `json:"repeat_clickers"`
}

// Metrics computes a campaign's figures.
func (c Campaign) Metrics() CampaignMetrics {
	m, times := tally(c.Name, [][]Recipient{c.Recipients})
	m.MedianTimeToReport, m.TimedReports = median(times), len(times)
	return m
}

// Phishing computes each campaign's figures, the figures over all of
// them, and the people who clicked in more than one (by email, without
// case), most campaigns first.
func Phishing(cs []Campaign) PhishingFigures {
	f := PhishingFigures{Campaigns: make([]CampaignMetrics, 0, len(cs))}
	all := make([][]Recipient, 0, len(cs))
	for _, c := range cs {
		f.Campaigns = append(f.Campaigns, c.Metrics())
		all = append(all, c.Recipients)
	}
	var times []time.Duration
	f.Overall, times = tally("", all)
	f.Overall.MedianTimeToReport, f.Overall.TimedReports = median(times), len(times)
	f.RepeatClickers = repeatClickers(cs)
	return f
}

// tally counts the steps of the recipients sent an email and collects
// their times to report.
func tally(name string, groups [][]Recipient) (CampaignMetrics, []time.Duration) {
	m := CampaignMetrics{Campaign: name}
	var times []time.Duration
	for _, rs := range groups {
		for _, r := range rs {
			if !r.Sent {
				continue
			}
			m.Sent++
			m.Opened += b2i(r.Opened)
			m.Clicked += b2i(r.Clicked)
			m.Submitted += b2i(r.Submitted)
			m.Reported += b2i(r.Reported)
			if r.Reported && !r.ReportedAt.IsZero() && !r.SentAt.IsZero() && !r.ReportedAt.Before(r.SentAt) {
				times = append(times, r.ReportedAt.Sub(r.SentAt))
			}
		}
	}
	m.OpenRate, m.ClickRate = rate(m.Opened, m.Sent), rate(m.Clicked, m.Sent)
	m.SubmitRate, m.ReportRate = rate(m.Submitted, m.Sent), rate(m.Reported, m.Sent)
	return m, times
}

// repeatClickers lists who clicked in two or more campaigns.
func repeatClickers(cs []Campaign) []RepeatClicker {
	byEmail := map[string]*RepeatClicker{}
	var order []string
	for _, c := range cs {
		for _, r := range c.Recipients {
			if !r.Clicked {
				continue
			}
			key := strings.ToLower(r.Email)
			rc, ok := byEmail[key]
			if !ok {
				rc = &RepeatClicker{Email: r.Email}
				byEmail[key] = rc
				order = append(order, key)
			}
			rc.Campaigns = append(rc.Campaigns, c.Name)
		}
	}
	out := []RepeatClicker{}
	for _, k := range order {
		if rc := byEmail[k]; len(rc.Campaigns) > 1 {
			out = append(out, *rc)
		}
	}
	slices.SortStableFunc(out, func(a, b RepeatClicker) int { return cmp.Compare(len(b.Campaigns), len(a.Campaigns)) })
	return out
}

// rate returns n/of, or 0 when of is 0.
func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// median returns the median duration (the mean of the middle two for an
// even count), 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return s[mid-1] + (s[mid]-s[mid-1])/2
}
