package console

import (
	"slices"
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
)

// tactics are the ATT&CK Enterprise tactics in kill-chain order, by tag.
var tactics = []struct{ Tag, Name string }{
	{"reconnaissance", "Reconnaissance"}, {"resource_development", "Resource development"},
	{"initial_access", "Initial access"}, {"execution", "Execution"}, {"persistence", "Persistence"},
	{"privilege_escalation", "Privilege escalation"}, {"defense_evasion", "Defence evasion"},
	{"credential_access", "Credential access"}, {"discovery", "Discovery"}, {"lateral_movement", "Lateral movement"},
	{"collection", "Collection"}, {"command_and_control", "Command and control"}, {"exfiltration", "Exfiltration"},
	{"impact", "Impact"},
}

// HeatMap is the ATT&CK techniques seen in alerts, grouped by tactic.
type HeatMap struct {
	Rows  []HeatRow
	Total int // alerts with a technique
}

// HeatRow is one tactic's techniques.
type HeatRow struct {
	Tactic string
	Cells  []HeatCell
}

// HeatCell is one technique with its alert count and its shade (0-4).
type HeatCell struct {
	Technique string
	URL       string
	Alerts    int
	Shade     int
}

// heatMap counts alerts per technique (attack.tNNNN tags) under each
// tactic the alert is tagged with; a technique without a tactic tag goes
// under "Other".
func heatMap(alerts []*alert.Alert) HeatMap {
	counts := map[string]map[string]int{} // tactic -> technique -> alerts
	var hm HeatMap
	top := 1
	for _, a := range alerts {
		var techs, tacts []string
		for _, t := range a.Tags {
			if tech, ok := techniqueOf(t); ok {
				techs = append(techs, tech)
			} else if name := tacticName(t); name != "" {
				tacts = append(tacts, name)
			}
		}
		if len(techs) == 0 {
			continue
		}
		hm.Total++
		if len(tacts) == 0 {
			tacts = []string{"Other"}
		}
		for _, ta := range tacts {
			if counts[ta] == nil {
				counts[ta] = map[string]int{}
			}
			for _, te := range techs {
				counts[ta][te]++
				top = max(top, counts[ta][te])
			}
		}
	}
	for _, ta := range append(tacticNames(), "Other") {
		if len(counts[ta]) == 0 {
			continue
		}
		row := HeatRow{Tactic: ta}
		for te, n := range counts[ta] {
			row.Cells = append(row.Cells, HeatCell{Technique: te, Alerts: n, Shade: shade(n, top),
				URL: "https://attack.mitre.org/techniques/" + strings.ReplaceAll(te, ".", "/") + "/"})
		}
		slices.SortFunc(row.Cells, func(a, b HeatCell) int { return strings.Compare(a.Technique, b.Technique) })
		hm.Rows = append(hm.Rows, row)
	}
	return hm
}

// tacticName is the name of the tactic a tag names, or "".
func tacticName(tag string) string {
	t, ok := strings.CutPrefix(strings.ToLower(tag), "attack.")
	if !ok {
		return ""
	}
	t = strings.ReplaceAll(t, "-", "_")
	for _, x := range tactics {
		if x.Tag == t {
			return x.Name
		}
	}
	return ""
}

func tacticNames() []string {
	out := make([]string, len(tactics))
	for i, t := range tactics {
		out[i] = t.Name
	}
	return out
}

// shade is n's place from 1 to 4 on a scale up to top.
func shade(n, top int) int {
	return min(4, 1+(n-1)*4/top)
}
