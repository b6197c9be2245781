package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/assure"
)

// levels are the alert levels, most severe first.
var levels = []string{"critical", "high", "medium", "low", "informational"}

// levelColour colours an alert level in charts.
func levelColour(l string) rgb {
	switch l {
	case "critical":
		return red
	case "high":
		return rgb{0xe0, 0x6c, 0x00}
	case "medium":
		return amber
	}
	return blue
}

// Board lays out the board pack from the facts.
func Board(f *Facts) *Doc {
	d := &Doc{
		Title:    "Cyber security board report",
		Subtitle: fmt.Sprintf("%s (%s). Produced %s from the Vigil data folder.", f.Period.Label(), f.Period.Name, stamp(f.Generated)),
	}
	d.Summary = boardSummary(f)
	d.Heat, d.HeatNote = heatRows(f)
	d.Charts = []chart{alertLevelChart(f), alertTrendChart(f), estateChart(f), peopleChart(f)}
	d.Sections = []Section{
		risksSection(f), cafSection(f), estateSection(f), kevSection(f), detectionSection(f),
		sourcesSection(f), privacySection(f), peopleSection(f), actionsSection(f), evidenceSection(f),
	}
	return d
}

func boardSummary(f *Facts) []string {
	var out []string
	if f.Framework != nil {
		counts := map[assure.Status]int{}
		for _, r := range f.Results {
			counts[r.Status]++
		}
		out = append(out, fmt.Sprintf("CAF %s: of %d outcomes, Vigil's own data assesses %d: %d achieved, %d partially achieved, %d not achieved. %d outcomes fall short of the %s profile; the rest need evidence from people.",
			f.Framework.Version, len(f.Results), len(f.Results)-counts[assure.Unassessed], counts[assure.Achieved], counts[assure.PartiallyAchieved], counts[assure.NotAchieved], len(f.Gaps), TargetProfile))
	} else {
		out = append(out, "The CAF outcomes are not assessed in this report: no framework file was given.")
	}
	byLevel := alertsByLevel(f.Alerts)
	d := measure(f.Alerts)
	out = append(out, fmt.Sprintf("Vigil raised %d alerts (%d critical, %d high) grouped into %d incidents. Median time to triage: %s.",
		len(f.Alerts), byLevel["critical"], byLevel["high"], len(f.Incidents), durationOr(d.Triage, d.TriageOK)))
	eol, kev, ransom := estateCounts(f)
	out = append(out, fmt.Sprintf("%d of %d known systems are out of support; %d run products with known-exploited vulnerabilities, %d of them used by ransomware.", eol, len(f.Findings), kev, ransom))
	if s := silent(f.Sources); len(s) > 0 {
		out = append(out, fmt.Sprintf("%d of %d log sources are silent or far below normal: Vigil cannot see what happens on them.", len(s), len(f.Sources)))
	} else if len(f.Sources) > 0 {
		out = append(out, fmt.Sprintf("All %d log sources are sending at their normal rate.", len(f.Sources)))
	}
	if n := len(f.Training); n > 0 {
		out = append(out, fmt.Sprintf("%.0f%% of required security training is complete and in date (the aim is 95%%).", 100*f.Training[n-1].Overall.Completion))
	} else {
		out = append(out, "Training completion is not known: no training records were given.")
	}
	return out
}

// durationOr formats a median, or says it is not yet measured.
func durationOr(d time.Duration, ok bool) string {
	if !ok {
		return "not yet measured (no one has acknowledged or closed an alert in Vigil)"
	}
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()+0.5))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f hours", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

func alertsByLevel(as []*alert.Alert) map[string]int {
	m := map[string]int{}
	for _, a := range as {
		m[a.Level]++
	}
	return m
}

func estateCounts(f *Facts) (eol, kev, ransom int) {
	for _, x := range f.Findings {
		if x.EOL {
			eol++
		}
		if len(x.KEV) > 0 {
			kev++
		}
		if x.Ransomware {
			ransom++
		}
	}
	return
}

// heatRows lays the outcomes out one principle a row, marking gaps and
// moves since the last recorded assessment.
func heatRows(f *Facts) ([]heatRow, string) {
	if f.Framework == nil {
		return nil, "No CAF framework was given, so there is no heat map."
	}
	got := map[string]assure.Status{}
	for _, r := range f.Results {
		got[r.Outcome] = r.Status
	}
	was := map[string]assure.Status{}
	note := "No earlier assessment is recorded, so no trend is shown."
	if n := len(f.History); n > 0 {
		for _, r := range f.History[n-1].Results {
			was[r.Outcome] = r.Status
		}
		note = "Arrows mark outcomes that moved since the assessment of " + day(f.History[n-1].At) + "."
	}
	var rows []heatRow
	for _, o := range f.Framework.Objectives {
		for _, p := range o.Principles {
			r := heatRow{Principle: p.Code}
			for _, oc := range p.Outcomes {
				s := got[oc.Code]
				c := heatCell{Code: oc.Code, Status: s}
				if want, ok := f.Target[oc.Code]; ok && (!s.Meets(want) || s == assure.Unassessed) {
					c.Gap = true
				}
				if w, ok := was[oc.Code]; ok && w != s {
					c.Moved = map[bool]string{true: " +", false: " -"}[s.Meets(w)]
				}
				r.Cells = append(r.Cells, c)
			}
			rows = append(rows, r)
		}
	}
	return rows, note
}

func alertLevelChart(f *Facts) chart {
	ch := chart{Title: "Alerts by level"}
	m := alertsByLevel(f.Alerts)
	var words []string
	for _, l := range levels {
		if m[l] == 0 && (l == "informational" || l == "low") {
			continue
		}
		ch.Bars = append(ch.Bars, bar{Label: l, Value: float64(m[l]), Text: num(m[l]), Fill: levelColour(l)})
		words = append(words, fmt.Sprintf("%s %d", l, m[l]))
	}
	if len(f.Alerts) == 0 {
		ch.Bars = nil
	}
	ch.Alt = "Bar chart of alerts raised in the period by level: " + strings.Join(words, ", ") + "."
	return ch
}

// alertTrendChart counts alerts by the week (or, for a period of a month
// or less, the day) they were first seen (Period.Steps).
func alertTrendChart(f *Facts) chart {
	steps, unit := f.Period.Steps(f.Generated)
	format := "2 Jan"
	if unit == "day" {
		format = "2"
	}
	ch := chart{Title: "Alerts over the period", Line: true}
	var words []string
	for _, s := range steps {
		n := 0
		for _, a := range f.Alerts {
			if !a.FirstSeen.Before(s.Start) && a.FirstSeen.Before(s.End) {
				n++
			}
		}
		ch.Bars = append(ch.Bars, bar{Label: s.Start.Format(format), Value: float64(n), Text: num(n), Fill: blue})
		words = append(words, fmt.Sprintf("%s: %d", s.Start.Format("2 January"), n))
	}
	ch.Title += " (by " + unit + ")"
	ch.Alt = "Line chart of alerts first seen each " + unit + " of the period: " + strings.Join(words, "; ") + "."
	return ch
}

func estateChart(f *Facts) chart {
	var supported, out, unknown, soon int
	at := f.asOf()
	for _, x := range f.Findings {
		switch {
		case x.EOL:
			out++
		case !x.EOLKnown:
			unknown++
		case !x.EOLDate.IsZero() && x.EOLDate.Before(at.AddDate(1, 0, 0)):
			soon++
		default:
			supported++
		}
	}
	ch := chart{Title: "Systems by support status"}
	if len(f.Findings) > 0 {
		ch.Bars = []bar{
			{"supported", float64(supported), num(supported), green},
			{"ends in 12 months", float64(soon), num(soon), amber},
			{"out of support", float64(out), num(out), red},
			{"not known", float64(unknown), num(unknown), grey},
		}
	}
	ch.Alt = fmt.Sprintf("Bar chart of the %d known systems: %d supported, %d whose support ends within 12 months, %d out of support, %d not known.", len(f.Findings), supported, soon, out, unknown)
	return ch
}

func peopleChart(f *Facts) chart {
	if len(f.Training) == 0 {
		return chart{Title: "Training completion", Alt: "No training records were given, so there is no training chart."}
	}
	ch := chart{Title: "Training completion (%)", Line: true, Max: 100}
	var words []string
	for _, r := range f.Training {
		v := 100 * r.Overall.Completion
		ch.Bars = append(ch.Bars, bar{Label: r.At.In(London).Format("2 Jan"), Value: v, Text: fmt.Sprintf("%.0f%%", v), Fill: green})
		words = append(words, fmt.Sprintf("%s %.0f%%", day(r.At), v))
	}
	ch.Alt = "Line chart of required security training complete and in date: " + strings.Join(words, "; ") + "."
	return ch
}

// list returns the section's missing notes.
func (f *Facts) list(section string) []string { return slices.Clone(f.Missing[section]) }
