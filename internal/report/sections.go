package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
)

// maxRows bounds a table in the board pack; the rest is counted.
const maxRows = 15

// cut keeps the first maxRows rows and says how many were left out.
func cut(t Table) Table {
	if len(t.Rows) > maxRows {
		t.Caption += fmt.Sprintf(" (first %d of %d)", maxRows, len(t.Rows))
		t.Rows = t.Rows[:maxRows]
	}
	return t
}

func risksSection(f *Facts) Section {
	s := Section{Title: "Top risks", Source: "Ranked from the sections below: known-exploited vulnerabilities used by ransomware first, then unsupported systems, open serious incidents, silent sources and CAF gaps."}
	var risks []string
	for _, x := range kevOrder(f.Findings) {
		if x.Ransomware && len(risks) < 3 {
			risks = append(risks, fmt.Sprintf("%s runs %s, which has %d known-exploited vulnerabilities, some used in ransomware campaigns: check it is patched.", x.Name, runs(x), len(x.KEV)))
		}
	}
	if eol, _, _ := estateCounts(f); eol > 0 {
		risks = append(risks, fmt.Sprintf("%d systems are out of support and get no security fixes.", eol))
	}
	open := 0
	for _, inc := range f.Incidents {
		if inc.Status != "closed" && (inc.Level == "critical" || inc.Level == "high") {
			open++
		}
	}
	if open > 0 {
		risks = append(risks, fmt.Sprintf("%d critical or high incidents are still open.", open))
	}
	if n := len(silent(f.Sources)); n > 0 {
		risks = append(risks, fmt.Sprintf("%d log sources are silent or far below normal: attacks there would go unseen.", n))
	}
	if len(f.Gaps) > 0 {
		risks = append(risks, fmt.Sprintf("%d CAF outcomes are below the %s profile the DSPT expects.", len(f.Gaps), TargetProfile))
	}
	if len(risks) == 0 {
		risks = append(risks, "No risk stands out in the figures Vigil holds; the sections below say what it cannot see.")
	}
	s.Paras = risks
	return s
}

func cafSection(f *Facts) Section {
	s := Section{Title: "CAF outcomes against the target", Missing: f.list(secCAF),
		Source: "Assessed with the CAF's own roll-up rule from evidence Vigil collected from its data (internal/assure/collect); outcomes no evidence speaks to are not assessed."}
	if f.Framework == nil {
		return s
	}
	t := Table{Caption: "Outcomes below the " + TargetProfile + " profile", Head: []string{"Outcome", "Title", "Now", "Target", "Why"}, Empty: "None: every outcome meets its target."}
	reasons := map[string]string{}
	for _, r := range f.Results {
		reasons[r.Outcome] = r.Reason
	}
	for _, g := range f.Gaps {
		t.Rows = append(t.Rows, []string{g.Outcome, g.Title, statusName(g.Status), string(g.Target), reasons[g.Outcome]})
	}
	s.Tables = []Table{cut(t)}
	return s
}

// runs says what an asset runs, for a reader.
func runs(x estate.Finding) string {
	parts := []string{}
	for _, p := range []string{x.OS, x.OSVersion, x.Vendor, x.Product, x.Version} {
		if p != "" && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "unknown software"
	}
	return strings.Join(parts, " ")
}

func estateSection(f *Facts) Section {
	s := Section{Title: "Unsupported and end-of-life systems", Missing: f.list(secEstate),
		Source: "Assets from the register given and from the Windows versions hosts state in their events, checked against the endoflife.date data stored by vigil estate update, at " + day(f.asOf()) + "."}
	at := f.asOf()
	out := Table{Caption: "Out of support now", Head: []string{"System", "Runs", "Support ended", "Mitigation"}, Empty: "No system is known to be out of support."}
	soon := Table{Caption: "Support ends in the next 6 and 12 months", Head: []string{"System", "Runs", "Support ends", "Within"}, Empty: "No known system goes out of support in the next 12 months."}
	for _, x := range f.Findings {
		switch {
		case x.EOL:
			mit := "none recorded"
			if f.Register != nil {
				if r := f.Register.Entry(x.Name); r != nil && r.Mitigation != "" {
					mit = r.Mitigation
				}
			}
			out.Rows = append(out.Rows, []string{x.Name, runs(x), dateOr(x.EOLDate), mit})
		case !x.EOLDate.IsZero() && x.EOLDate.Before(at.AddDate(1, 0, 0)):
			within := "12 months"
			if x.EOLDate.Before(at.AddDate(0, 6, 0)) {
				within = "6 months"
			}
			soon.Rows = append(soon.Rows, []string{x.Name, runs(x), day(x.EOLDate), within})
		}
	}
	s.Tables = []Table{cut(out), cut(soon)}
	return s
}

func dateOr(t time.Time) string {
	if t.IsZero() {
		return "date not known"
	}
	return day(t)
}

// kevOrder lists the assets with KEV matches, ransomware-linked first,
// then by how many entries match.
func kevOrder(fs []estate.Finding) []estate.Finding {
	var out []estate.Finding
	for _, x := range fs {
		if len(x.KEV) > 0 {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b estate.Finding) int {
		if a.Ransomware != b.Ransomware {
			if a.Ransomware {
				return -1
			}
			return 1
		}
		return len(b.KEV) - len(a.KEV)
	})
	return out
}

func kevSection(f *Facts) Section {
	s := Section{Title: "Known-exploited vulnerabilities",
		Source: "The " + orNone(f.KEVName) + ", matched on each system's vendor and product. The catalogue names no versions: a match means the product has vulnerabilities attackers use, so its patch level must be checked."}
	if f.KEVName == "" {
		s.Missing = []string{"No KEV catalogue is stored in the data folder (run vigil estate update)."}
	}
	t := Table{Caption: "Systems running products with known-exploited vulnerabilities, ransomware-linked first", Head: []string{"System", "Runs", "KEV entries", "Ransomware", "Newest"}, Empty: "No system matches the catalogue."}
	for _, x := range kevOrder(f.Findings) {
		t.Rows = append(t.Rows, []string{x.Name, runs(x), num(len(x.KEV)), yesNo(x.Ransomware), x.KEV[len(x.KEV)-1].CVE})
	}
	s.Tables = []Table{cut(t)}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "KEV catalogue (none loaded)"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
