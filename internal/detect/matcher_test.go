package detect

import (
	"slices"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

const matcherTestRules = `title: Whoami
id: 00000000-0000-0000-0000-000000000001
logsource: {product: windows, category: process_creation}
detection:
    selection:
        CommandLine|contains: whoami
    condition: selection
---
title: Mimikatz keyword anywhere in Windows
id: 00000000-0000-0000-0000-000000000002
logsource: {product: windows}
detection:
    keywords:
        - mimikatz
    condition: keywords
---
title: Logon
id: 00000000-0000-0000-0000-000000000003
logsource: {product: windows, service: security}
detection:
    selection:
        EventID: 4624
    condition: selection
---
title: Passwd read
id: 00000000-0000-0000-0000-000000000004
logsource: {product: linux, service: auditd}
detection:
    selection:
        name|endswith: /passwd
    condition: selection
---
title: PHP upload
id: 00000000-0000-0000-0000-000000000005
logsource: {category: proxy}
detection:
    selection:
        c-uri|contains: upload.php
    condition: selection
---
title: Defender hack tool
id: 00000000-0000-0000-0000-000000000006
logsource: {category: antivirus}
detection:
    selection:
        Signature|startswith: HackTool
    condition: selection
---
title: Whoami image
id: 00000000-0000-0000-0000-000000000007
logsource: {product: windows, category: process_creation}
detection:
    selection:
        Image|endswith: '\whoami.exe'
    condition: selection
`

func parseTestRules(t *testing.T) []*sigma.Rule {
	t.Helper()
	set := sigma.Parse("matcher_test.yml", []byte(matcherTestRules), sigma.Options{})
	if len(set.Refused) > 0 || len(set.Rules) != 7 {
		t.Fatalf("parse: %d rules, refused %v", len(set.Rules), set.Refused)
	}
	return set.Rules
}

func TestMatcherMatch(t *testing.T) {
	rules := parseTestRules(t)
	// A nil entry is ignored; order follows the slice given.
	m := NewMatcher([]*sigma.Rule{rules[0], nil, rules[1], rules[2], rules[3], rules[4], rules[5], rules[6]})
	tests := []struct {
		name string
		ev   *event.Event
		want []string // rule titles
	}{
		{"sysmon process creation", withFields(winEvent(chSysmon, "Microsoft-Windows-Sysmon", "1"),
			"CommandLine", `cmd /c WHOAMI /all`, "ParentImage", `C:\tools\MIMIKATZ.exe`),
			[]string{"Whoami", "Mimikatz keyword anywhere in Windows"}},
		{"security 4688", withFields(winEvent("Security", "", "4688"), "CommandLine", "whoami", "NewProcessName", `C:\Windows\System32\whoami.exe`),
			[]string{"Whoami", "Whoami image"}},
		{"security logon", winEvent("Security", "", "4624"), []string{"Logon"}},
		{"logon id in the wrong service", winEvent("System", "", "4624"), nil},
		{"process creation text in another category", withFields(winEvent(chSysmon, "", "3"), "CommandLine", "whoami"), nil},
		{"linux auditd", withFields(&event.Event{LogSource: event.LogSource{Product: "linux", Service: "auditd"}}, "name", "/etc/passwd"),
			[]string{"Passwd read"}},
		{"proxy", withFields(&event.Event{LogSource: event.LogSource{Category: "proxy"}}, "c-uri", "/wp/UPLOAD.PHP?x"),
			[]string{"PHP upload"}},
		{"defender detection", withFields(winEvent(chDefender, "", "1116"), "Threat Name", "HackTool:Win32/Mimikatz"),
			[]string{"Mimikatz keyword anywhere in Windows", "Defender hack tool"}},
		{"no log source", withFields(&event.Event{}, "CommandLine", "whoami mimikatz"), nil},
	}
	s := m.NewScratch()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := bruteForceRules(m.Rules(), tt.ev.Clone())
			got := m.Match(tt.ev, s, nil)
			if !slices.Equal(titles(got), tt.want) || !slices.Equal(got, want) {
				t.Fatalf("Match = %q, want %q (brute force %q)", titles(got), tt.want, titles(want))
			}
		})
	}
}

func titles(rules []*sigma.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Title)
	}
	return out
}

// TestMatcherConcurrent matches the regression events from several
// goroutines, each with its own Scratch, against one Matcher (run it with
// -race), and compares with a serial run.
func TestMatcherConcurrent(t *testing.T) {
	rules := parseTestRules(t)
	m := NewMatcher(rules)
	var events []*event.Event
	for _, c := range loadRegression(t) {
		events = append(events, c.events...)
	}
	events = append(events, withFields(winEvent(chSysmon, "", "1"), "CommandLine", "whoami"))
	want := make([][]*sigma.Rule, len(events))
	s := m.NewScratch()
	for i, ev := range events {
		want[i] = m.Match(ev.Clone(), s, nil)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Go(func() {
			s := m.NewScratch()
			var dst []*sigma.Rule
			for i, ev := range events {
				dst = m.Match(ev.Clone(), s, dst[:0])
				if !slices.Equal(dst, want[i]) {
					errs <- ev.Source
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for src := range errs {
		t.Errorf("concurrent Match differs from serial on %s", src)
	}
	if n := len(want[len(want)-1]); n != 1 {
		t.Fatalf("whoami event matched %d rules, want 1", n)
	}
}
