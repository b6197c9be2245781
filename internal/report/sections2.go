package report

import (
	"fmt"
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
)

func detectionSection(f *Facts) Section {
	s := Section{Title: "Detection and response", Missing: f.list(secDetection),
		Source: "The alert store in the data folder: alerts and incidents first or last seen in the period, and the status changes people recorded on them."}
	d := measure(f.Alerts)
	s.Paras = []string{
		fmt.Sprintf("%d alerts in %d incidents. Median time from first sighting to a person acknowledging or closing an alert: %s.", len(f.Alerts), len(f.Incidents), durationOr(d.Triage, d.TriageOK)),
		fmt.Sprintf("Median time to close: %s.", durationOr(d.Close, d.CloseOK)),
	}
	lv := Table{Caption: "Alerts by level and status", Head: []string{"Level", "Alerts", "Open", "Acknowledged", "Closed"}}
	for _, l := range levels {
		row := []int{0, 0, 0, 0}
		for _, a := range f.Alerts {
			if a.Level != l {
				continue
			}
			row[0]++
			switch a.Status {
			case alert.StatusAcknowledged:
				row[2]++
			case alert.StatusClosed:
				row[3]++
			default:
				row[1]++
			}
		}
		if row[0] > 0 {
			lv.Rows = append(lv.Rows, []string{l, num(row[0]), num(row[1]), num(row[2]), num(row[3])})
		}
	}
	lv.Empty = "No alerts in the period."
	inc := Table{Caption: "Incidents", Head: []string{"Incident", "Level", "Systems", "First seen", "Status"}, Empty: "No incidents in the period."}
	for n, i := range f.Incidents {
		title, systems := i.Title, short(strings.Join(i.Hosts, ", "), 60)
		if f.Redacted {
			title, systems = fmt.Sprintf("Incident %d", n+1), num(len(i.Hosts))
		}
		inc.Rows = append(inc.Rows, []string{title, i.Level, systems, stamp(i.FirstSeen), i.Status})
	}
	if f.Redacted {
		s.Paras = append(s.Paras, "This copy leaves out what each incident was and the systems and people it involved: it counts them. Analysts see them in the console.")
	}
	s.Tables = []Table{lv, cut(inc)}
	return s
}

// short cuts s to n characters with an ellipsis.
func short(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func sourcesSection(f *Facts) Section {
	s := Section{Title: "Monitoring coverage and silent sources", Missing: f.list(secSources),
		Source: "The event store (events with a time in the period) and the flow watch's learned profile of each source (flow.bin), judged at " + stamp(f.asOf()) + "."}
	s.Paras = []string{fmt.Sprintf("%d events were stored in the period from %d sources.", f.Events, len(f.Sources))}
	t := Table{Caption: "Sources not at their normal rate", Head: []string{"Source", "Host", "State", "Last seen"}, Empty: "None: every source is sending at its normal rate."}
	for _, x := range silent(f.Sources) {
		t.Rows = append(t.Rows, []string{x.Key.Listener + " " + x.Key.Kind, x.Key.Host, x.State, stamp(x.LastSeen)})
	}
	s.Tables = []Table{cut(t)}
	return s
}

func peopleSection(f *Facts) Section {
	s := Section{Title: "Training and phishing", Missing: f.list(secPeople),
		Source: "The staff directory and training records given (security courses required of everyone), and GoPhish simulation results."}
	if n := len(f.Training); n > 0 {
		last := f.Training[n-1]
		t := Table{Caption: "Security training by staff group at " + day(last.At), Head: []string{"Staff group", "Staff", "Complete", "Expiring", "Expired", "Missing"}}
		for _, g := range append(last.Groups, last.Overall) {
			name := g.Group
			if name == "" {
				name = "Everyone"
			}
			t.Rows = append(t.Rows, []string{name, num(g.Staff), fmt.Sprintf("%.0f%%", 100*g.Completion), num(g.Expiring), num(g.Expired), num(g.Missing)})
		}
		s.Tables = append(s.Tables, cut(t))
	}
	if p := f.Phishing; p != nil {
		t := Table{Caption: "Phishing simulations", Head: []string{"Campaign", "Sent", "Reported", "Clicked", "Gave credentials"}}
		for _, c := range p.Campaigns {
			t.Rows = append(t.Rows, []string{c.Campaign, num(c.Sent), pctf(c.ReportRate), pctf(c.ClickRate), pctf(c.SubmitRate)})
		}
		s.Tables = append(s.Tables, t)
		s.Paras = append(s.Paras, fmt.Sprintf("%d people clicked in more than one simulation.", len(p.RepeatClickers)))
	}
	if f.StaffReports > 0 || f.GuidanceSent > 0 {
		s.Paras = append(s.Paras, fmt.Sprintf("In the period staff reported %d suspicious emails, and %d people were sent short guidance after an alert named them.", f.StaffReports, f.GuidanceSent))
	}
	if len(f.Pulse) > 0 {
		s.Tables = append(s.Tables, pulseTable(f.Pulse))
	}
	return s
}

func pctf(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }

func actionsSection(f *Facts) Section {
	s := Section{Title: "Improvement actions",
		Source: "One action for each CAF outcome below its target. Owners are unassigned until the board sets them; the due date proposed is the end of the next quarter."}
	due := day(f.Period.End.AddDate(0, 3, 0).Add(-1))
	t := Table{Caption: "Actions", Head: []string{"Outcome", "Action", "Owner", "Due"}, Empty: "No actions: no outcome is below its target, or no CAF assessment was made."}
	for _, g := range f.Gaps {
		what := "Bring " + g.Title + " from " + strings.ToLower(statusName(g.Status)) + " to " + strings.ToLower(string(g.Target))
		if g.Status == "" {
			what = "Assess " + g.Title + " and record the evidence (target " + strings.ToLower(string(g.Target)) + ")"
		}
		t.Rows = append(t.Rows, []string{g.Outcome, what, "unassigned", due})
	}
	s.Tables = []Table{t}
	return s
}

func evidenceSection(f *Facts) Section {
	s := Section{Title: "Evidence from Vigil's data", Source: "Each item says which CAF indicator statements it shows to hold or not; it counts for five weeks."}
	t := Table{Caption: "Evidence collected at " + stamp(f.asOf()), Head: []string{"Indicators", "Holds", "What was found"}, Empty: "No evidence was collected."}
	for _, e := range f.Evidence {
		t.Rows = append(t.Rows, []string{strings.Join(e.Indicators, ", "), yesNo(e.Holds), e.Summary})
	}
	s.Tables = []Table{t}
	return s
}
