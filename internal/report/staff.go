package report

import (
	"fmt"

	"github.com/vigilhealth/vigil/internal/people"
)

// watchFor is the plain-language advice for each kind of attack seen.
var watchFor = map[people.Topic]string{
	people.TopicPasswordSpray:   "Someone tried many passwords against our accounts. Use a long passphrase you use nowhere else, and never approve a sign-in prompt you did not start.",
	people.TopicMalware:         "Harmful software was found on our computers. Do not open unexpected attachments or plug in unknown USB sticks, and tell IT at once if files stop opening or get strange names.",
	people.TopicClickedLink:     "Links in emails led to harmful sites. Check the sender and hover over a link before you click; if in doubt, report the email.",
	people.TopicDataSentOutside: "Data was sent outside the trust in an unusual way. Only share patient information through approved systems.",
	people.TopicRiskyLogon:      "Accounts were used in unusual ways. Lock your screen when you step away and never share your smartcard or password.",
}

// Staff lays out the one-page briefing for all staff. reportTo says how
// to report a concern (an address or the service desk).
func Staff(f *Facts, reportTo string) *Doc {
	d := &Doc{
		Title:    "Cyber security: your briefing for " + f.Period.Label(),
		Subtitle: "For all staff. Produced " + stamp(f.Generated) + ".",
	}
	d.Summary = []string{happened(f), didWhat(f)}
	seen := map[people.Topic]bool{}
	var watch []string
	for _, a := range f.Alerts {
		if t, ok := people.TopicFor(a.RuleTitle, a.Tags); ok && !seen[t] {
			seen[t] = true
			watch = append(watch, watchFor[t])
		}
	}
	if len(watch) == 0 {
		watch = []string{"Phishing emails remain the commonest way in. Be wary of urgent requests, unexpected attachments and links asking you to sign in."}
	}
	d.Sections = []Section{
		{Title: "What to watch for", Paras: watch, Source: "The kinds of attack Vigil's alerts this month point to."},
		{Title: "How to report", Paras: []string{
			"If something looks wrong (an odd email, a pop-up, a file you cannot open, a colleague's account acting strangely), report it straight away to " + reportTo + ".",
			"You will never be blamed for reporting. A quick report is the best protection our patients have.",
		}, Source: "The trust's reporting route."},
	}
	return d
}

func happened(f *Facts) string {
	if len(f.Alerts) == 0 {
		return "What happened: Vigil, our security monitoring, raised no alerts this month."
	}
	s := fmt.Sprintf("What happened: Vigil, our security monitoring, spotted %d suspicious activities, which it grouped into %d incidents.", len(f.Alerts), len(f.Incidents))
	var worst string
	for _, l := range levels {
		for _, inc := range f.Incidents {
			switch {
			case inc.Level != l || worst != "":
			case f.Redacted:
				worst = fmt.Sprintf(" The most serious (of level %s) began on %s.", inc.Level, day(inc.FirstSeen))
			default:
				worst = fmt.Sprintf(" The most serious (%s) began on %s.", inc.Title, day(inc.FirstSeen))
			}
		}
	}
	return s + worst
}

func didWhat(f *Facts) string {
	d := measure(f.Alerts)
	closed := 0
	for _, inc := range f.Incidents {
		if inc.Status == "closed" {
			closed++
		}
	}
	s := fmt.Sprintf("What we did: the security team has closed %d of the %d incidents", closed, len(f.Incidents))
	if d.TriageOK {
		s += fmt.Sprintf(" and looked at alerts within %s of them being raised (median)", durationOr(d.Triage, true))
	}
	s += "."
	if eol, _, _ := estateCounts(f); eol > 0 {
		s += fmt.Sprintf(" %d of our computers run software that no longer gets security updates; Vigil watches them closely.", eol)
	}
	return s
}
