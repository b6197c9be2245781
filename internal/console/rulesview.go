package console

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vigilhealth/vigil/internal/sigma"
)

// RuleCounts gives the detections of each loaded rule and correlation
// since the service started, by the rule's Meta in the loaded set.
type RuleCounts func() map[*sigma.Meta]int64

// ruleRow is one loaded rule or correlation.
type ruleRow struct {
	Title, ID, Level, Kind, File string
	Techniques                   []string // ATT&CK technique ids, T1059.001
	Tactics                      []string // ATT&CK tactics in plain words
	Detections                   int64
	Feeds                        bool // only feeds correlations: raises no alert of its own
}

// refusedRow is one rule document that did not load, and why.
type refusedRow struct {
	File string
	Line int
	Why  string
}

// rulesView is what the rules page shows.
type rulesView struct {
	Rules      []ruleRow
	Refused    []refusedRow
	Detections int64
	Levels     []levelCount // loaded rules per level, highest first
}

// levelCount is how many rules have one level.
type levelCount struct {
	Level string
	Rules int
}

// levelOrder ranks Sigma levels, highest first.
var levelOrder = []string{"critical", "high", "medium", "low", "informational"}

// newRulesView lists set's rules and correlations, most detections first
// (then by level and title), and what was refused.
func newRulesView(set *sigma.Set, counts map[*sigma.Meta]int64) rulesView {
	var v rulesView
	levels := map[string]int{}
	add := func(m *sigma.Meta, kind string, feeds bool) {
		r := ruleRow{Title: m.Title, ID: m.ID, Level: cmp.Or(m.Level, "none"), Kind: kind, File: filepath.Base(m.Path),
			Detections: counts[m], Feeds: feeds}
		r.Techniques, r.Tactics = attackTags(m.Tags)
		v.Rules = append(v.Rules, r)
		v.Detections += r.Detections
		levels[r.Level]++
	}
	for _, r := range set.Rules {
		add(&r.Meta, "detection", r.CorrelationOnly)
	}
	for _, c := range set.Correlations {
		add(&c.Meta, "correlation "+strings.ReplaceAll(string(c.Type), "_", " "), false)
	}
	slices.SortStableFunc(v.Rules, func(a, b ruleRow) int {
		return cmp.Or(cmp.Compare(b.Detections, a.Detections), cmp.Compare(levelRank(a.Level), levelRank(b.Level)), strings.Compare(a.Title, b.Title))
	})
	for _, l := range append(levelOrder, "none") {
		if levels[l] > 0 {
			v.Levels = append(v.Levels, levelCount{l, levels[l]})
		}
	}
	for _, r := range set.Refused {
		v.Refused = append(v.Refused, refusedRow{File: r.Path, Line: r.Line, Why: r.Err.Error()})
	}
	return v
}

// levelRank orders levels highest first; an unknown level comes last.
func levelRank(l string) int {
	if i := slices.Index(levelOrder, l); i >= 0 {
		return i
	}
	return len(levelOrder)
}

// attackTags reads the ATT&CK tags of a rule: techniques (attack.t1059.001
// as T1059.001) and tactics (attack.credential-access as "credential
// access"). Groups (g0032), software (s0154) and other namespaces are
// left out.
func attackTags(tags []string) (techniques, tactics []string) {
	for _, t := range tags {
		s, ok := strings.CutPrefix(strings.ToLower(t), "attack.")
		switch {
		case !ok || s == "":
		case isTechnique(s):
			techniques = append(techniques, strings.ToUpper(s))
		case strings.Trim(s, "abcdefghijklmnopqrstuvwxyz-_") == "":
			tactics = append(tactics, strings.ReplaceAll(strings.ReplaceAll(s, "-", " "), "_", " "))
		}
	}
	return techniques, tactics
}

// isTechnique reports whether s is t followed by four digits and an
// optional .NNN sub-technique.
func isTechnique(s string) bool {
	id, sub, hasSub := strings.Cut(s, ".")
	return len(id) == 5 && id[0] == 't' && isDigits(id[1:]) && (!hasSub || len(sub) == 3 && isDigits(sub))
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
