package console

import (
	"slices"
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
)

// Playbook is the checklist of one kind of incident.
type Playbook struct {
	Kind, Title string
	Steps       []Step
}

// Step is one item of a playbook's checklist.
type Step struct {
	ID, Text string
}

// Marks the incident page writes into an incident's history (alert.Mark).
const (
	markKind    = "kind"    // Text: the playbook kind chosen
	markCheck   = "check"   // Text: kind/step ticked
	markUncheck = "uncheck" // Text: kind/step unticked
	markClock   = "clock"   // Text: clock event, RFC 3339 time, optional note
)

// playbooks are the checklists, after NHS England's and the NCSC's
// incident response guidance: contain, preserve evidence, tell whom the
// law and the NHS require, recover, learn.
var playbooks = []Playbook{
	{"ransomware", "Ransomware", []Step{
		{"isolate", "Isolate the affected hosts from the network (leave them powered on)"},
		{"accounts", "Disable the accounts the attacker used and reset privileged passwords"},
		{"backups", "Check that backups are intact and offline before restoring anything"},
		{"nhse", "Report to the NHS England Cyber Security Operations Centre (CSOC)"},
		{"clinical", "Tell clinical leads which systems are down; start downtime procedures"},
		{"evidence", "Preserve evidence: memory, disk images, logs of the affected hosts"},
		{"restore", "Rebuild and restore from clean backups; watch the restored hosts"},
		{"lessons", "Hold a lessons-learned review and update this playbook"},
	}},
	{"account_compromise", "Account compromise", []Step{
		{"disable", "Disable the account or revoke its sessions and tokens"},
		{"reset", "Reset the password and re-register multi-factor authentication"},
		{"scope", "Find what the account accessed and from where since the first sign"},
		{"owner", "Speak to the account's owner and their manager"},
		{"patient", "Check whether patient records were opened; if so, start the breach clock"},
		{"lessons", "Hold a lessons-learned review"},
	}},
	{"data_breach", "Personal-data breach", []Step{
		{"contain", "Contain the breach: stop the access or the disclosure"},
		{"assess", "Assess the risk to the people whose data it is"},
		{"dpo", "Tell the Data Protection Officer and the Caldicott Guardian"},
		{"dspt", "Report it through the Data Security and Protection Toolkit (it notifies the ICO)"},
		{"people", "Tell the people affected when the risk to them is high"},
		{"record", "Record the breach and the decisions taken, reported or not"},
	}},
	{"general", "Security incident", []Step{
		{"triage", "Triage: confirm what happened and how far it reached"},
		{"contain", "Contain the affected hosts and accounts"},
		{"evidence", "Preserve evidence"},
		{"report", "Decide whether to report to NHS England CSOC"},
		{"recover", "Recover and watch for a return"},
		{"lessons", "Hold a lessons-learned review"},
	}},
}

// playbookOf returns the playbook of kind, the general one when unknown.
func playbookOf(kind string) Playbook {
	for _, p := range playbooks {
		if p.Kind == kind {
			return p
		}
	}
	return playbooks[len(playbooks)-1]
}

// Technique tags that suggest a kind of incident.
var (
	ransomTechniques  = []string{"t1486", "t1490", "t1489"}                   // encrypt data, inhibit recovery, stop services
	accountTechniques = []string{"t1078", "t1110", "t1003", "t1558", "t1556"} // valid accounts, brute force, credential dumping
	breachTechniques  = []string{"t1041", "t1048", "t1567", "t1530", "t1213"} // exfiltration, data from repositories
)

// suggestKind guesses an incident's kind from its alerts' tags: an
// exfiltration tactic or a privacy tag also suggests a data breach.
func suggestKind(alerts []*alert.Alert) string {
	techs := map[string]bool{}
	for _, a := range alerts {
		for _, t := range a.Tags {
			t = strings.ToLower(t)
			tech, _, _ := strings.Cut(strings.TrimPrefix(t, "attack."), ".")
			techs[tech] = true
			if t == "attack.exfiltration" || strings.Contains(t, "privacy") {
				techs[breachTechniques[0]] = true
			}
		}
	}
	seen := func(list []string) bool { return slices.ContainsFunc(list, func(x string) bool { return techs[x] }) }
	switch {
	case seen(ransomTechniques):
		return "ransomware"
	case seen(breachTechniques):
		return "data_breach"
	case seen(accountTechniques):
		return "account_compromise"
	}
	return "general"
}

// ChecklistItem is a playbook step as the incident stands.
type ChecklistItem struct {
	Step
	Key  string // kind/step, the mark's text
	Done bool
	By   string
	At   string // when ticked, as shown
}

// checklistState replays an incident's marks: the kind chosen (or ""),
// and which kind/step keys are ticked, by whom and when.
func checklistState(h []alert.Note) (kind string, ticked map[string]alert.Note) {
	ticked = map[string]alert.Note{}
	for _, n := range h {
		switch n.Action {
		case markKind:
			kind = n.Text
		case markCheck:
			ticked[n.Text] = n
		case markUncheck:
			delete(ticked, n.Text)
		}
	}
	return kind, ticked
}
