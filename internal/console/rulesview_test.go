package console

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/sigma"
)

// testRules are two detection rules, a correlation over one of them and a
// document that is refused.
const testRules = `title: Mimikatz on the command line
id: 0d9a1a3e-0000-4000-8000-000000000001
name: mimikatz
level: high
tags: [attack.credential-access, attack.t1003.001, attack.s0002, attack.g0032]
logsource: {product: windows, category: process_creation}
detection:
  sel: {CommandLine|contains: sekurlsa}
  condition: sel
---
title: Failed logon
id: 0d9a1a3e-0000-4000-8000-000000000002
name: failed_logon
level: low
tags: [attack.t1110]
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625}
  condition: sel
---
title: Many failed logons
id: 0d9a1a3e-0000-4000-8000-000000000003
level: medium
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition: {gte: 10}
---
title: Broken
logsource: {product: windows}
detection:
  condition: nothing
`

func TestRulesView(t *testing.T) {
	set := sigma.Parse("rules/test.yml", []byte(testRules), sigma.Options{})
	if len(set.Rules) != 2 || len(set.Correlations) != 1 || len(set.Refused) != 1 {
		t.Fatalf("test set: %d rules, %d correlations, %d refused (%v)", len(set.Rules), len(set.Correlations), len(set.Refused), set.Refused)
	}
	counts := map[*sigma.Meta]int64{&set.Rules[1].Meta: 7, &set.Correlations[0].Meta: 2}
	v := newRulesView(set, counts)
	var order []string
	for _, r := range v.Rules {
		order = append(order, r.Title)
	}
	if want := "Failed logon|Many failed logons|Mimikatz on the command line"; strings.Join(order, "|") != want {
		t.Errorf("order %q, want %q (most detections first)", strings.Join(order, "|"), want)
	}
	if v.Detections != 9 {
		t.Errorf("total detections %d, want 9", v.Detections)
	}
	m := v.Rules[2]
	if strings.Join(m.Techniques, ",") != "T1003.001" || strings.Join(m.Tactics, ",") != "credential access" || m.File != "test.yml" || m.Level != "high" {
		t.Errorf("mimikatz row %+v", m)
	}
	if c := v.Rules[1]; c.Kind != "correlation event count" || c.Detections != 2 {
		t.Errorf("correlation row %+v", c)
	}
	if !v.Rules[0].Feeds {
		t.Error("a rule that only feeds a correlation is not marked so")
	}
	if len(v.Refused) != 1 || v.Refused[0].File != "rules/test.yml" || v.Refused[0].Line != 33 || v.Refused[0].Why == "" {
		t.Errorf("refused %+v", v.Refused)
	}
	if got := levelSummary(v.Levels); got != "high 1, medium 1, low 1" {
		t.Errorf("levels %s", got)
	}
}

func levelSummary(ls []levelCount) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, l.Level+" "+strconv.Itoa(l.Rules))
	}
	return strings.Join(parts, ", ")
}

func TestAttackTags(t *testing.T) {
	tests := []struct {
		tags                []string
		techniques, tactics string
	}{
		{[]string{"attack.t1059.001", "attack.T1486", "attack.execution", "attack.lateral_movement"}, "T1059.001,T1486", "execution,lateral movement"},
		{[]string{"attack.g0032", "attack.s0154", "cve.2021-44228", "attack.", "attack.t10"}, "", ""},
		{[]string{"attack.t1059.1", "attack.defense-evasion"}, "", "defense evasion"},
	}
	for _, tc := range tests {
		te, ta := attackTags(tc.tags)
		if strings.Join(te, ",") != tc.techniques || strings.Join(ta, ",") != tc.tactics {
			t.Errorf("attackTags(%v) = %v, %v; want %q, %q", tc.tags, te, ta, tc.techniques, tc.tactics)
		}
	}
}
