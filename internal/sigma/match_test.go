package sigma

import (
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
)

// typicalRule is shaped like most SigmaHQ process_creation rules: image
// and original file name selections, command-line flags, and filters.
const typicalRule = `title: Suspicious Encoded PowerShell
logsource:
    category: process_creation
    product: windows
detection:
    selection_img:
        - Image|endswith:
              - '\powershell.exe'
              - '\pwsh.exe'
        - OriginalFileName:
              - 'PowerShell.EXE'
              - 'pwsh.dll'
    selection_cli:
        CommandLine|contains|windash:
            - ' -enc '
            - ' -EncodedCommand '
    selection_hidden:
        CommandLine|contains|all:
            - 'hidden'
            - 'bypass'
    filter_main_sccm:
        ParentImage|startswith: 'C:\Windows\CCM\'
    filter_optional_null:
        ParentImage: null
    condition: selection_img and 1 of selection_c* and not 1 of filter_*
`

func processEvent(cmd string) *event.Event {
	var ev event.Event
	ev.Set("Image", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`)
	ev.Set("OriginalFileName", "PowerShell.EXE")
	ev.Set("CommandLine", cmd)
	ev.Set("ParentImage", `C:\Windows\explorer.exe`)
	ev.Set("User", `WARD-PC\nurse`)
	ev.Set("IntegrityLevel", "Medium")
	ev.Set("Hashes", "SHA256=F8810179AB033A9B79CD7006C1A74FBCDE6ED0451C92FBB8C7CE15B52499353A")
	ev.Add(event.EventID, "1")
	ev.Add(event.Channel, "Microsoft-Windows-Sysmon/Operational")
	return &ev
}

func mustRule(tb testing.TB, doc string) *Rule {
	tb.Helper()
	s := Parse("bench.yml", []byte(doc), Options{})
	if len(s.Refused) > 0 || len(s.Rules) != 1 {
		tb.Fatalf("rule did not load: %v", s.Refused)
	}
	return s.Rules[0]
}

// TestMatchDoesNotAllocate asserts that matching a compiled rule allocates
// nothing once the event has lower-cased its values (which it caches).
func TestMatchDoesNotAllocate(t *testing.T) {
	rules := map[string]string{
		"typical":  typicalRule,
		"keywords": "title: K\nlogsource: {product: x}\ndetection:\n    k:\n        - 'mimikatz'\n        - 'sekurlsa::*'\n    condition: k\n",
		"regex":    "title: R\nlogsource: {product: x}\ndetection:\n    s:\n        CommandLine|re|i: '-e(nc|ncodedcommand)? [a-z0-9+/=]{20,}'\n    condition: s\n",
		"types":    "title: T\nlogsource: {product: x}\ndetection:\n    s:\n        User|fieldref|neq: Image\n        EventID|lte: 4\n        Ip|cidr: 10.0.0.0/8\n    t:\n        TimeCreated|hour|gte: 1\n    condition: s or t\n",
		"glob":     "title: G\nlogsource: {product: x}\ndetection:\n    s:\n        CommandLine: '*-w h?dden*-enc*'\n    condition: s\n",
	}
	events := []*event.Event{
		processEvent("powershell.exe -w hidden -ep bypass -enc SQBFAFgA"),
		processEvent("powershell.exe -File x.ps1"),
	}
	for name, doc := range rules {
		r := mustRule(t, doc)
		for _, ev := range events {
			if allocs := testing.AllocsPerRun(200, func() { r.Match(ev) }); allocs != 0 {
				t.Errorf("%s: Match allocates %v times per call", name, allocs)
			}
		}
	}
	r := mustRule(t, typicalRule)
	if !r.Match(events[0]) || r.Match(events[1]) {
		t.Errorf("typical rule: Match = %v, %v; want true, false", r.Match(events[0]), r.Match(events[1]))
	}
}

// TestMatchConcurrent runs one rule set from several goroutines (run with
// -race): compiled rules are shared, events are not.
func TestMatchConcurrent(t *testing.T) {
	r := mustRule(t, typicalRule)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				ev := processEvent("powershell -enc AAAA")
				if got := r.Match(ev); !got {
					t.Errorf("goroutine %d, run %d: no match", g, i)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkMatch measures one typical rule on a matching and a
// non-matching event.
func BenchmarkMatch(b *testing.B) {
	r := mustRule(b, typicalRule)
	for _, tc := range []struct {
		name string
		ev   *event.Event
	}{
		{"hit", processEvent("powershell.exe -w hidden -ep bypass -enc SQBFAFgA")},
		{"miss", processEvent("powershell.exe -File x.ps1")},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Match(tc.ev)
			}
		})
	}
}

// BenchmarkMatchSigmaHQ evaluates every SigmaHQ rule on every regression
// event, without prefiltering: the worst case per event.
func BenchmarkMatchSigmaHQ(b *testing.B) {
	s := loadSigmaHQ(b)
	var events []*event.Event
	for _, c := range loadRegressionCases(b) {
		events = append(events, c.events...)
	}
	for _, ev := range events { // let each event cache its lower-cased values
		for _, r := range s.Rules {
			r.Match(ev)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		ev := events[n%len(events)]
		n++
		for _, r := range s.Rules {
			r.Match(ev)
		}
	}
	b.ReportMetric(float64(len(s.Rules)), "rules/event")
}
