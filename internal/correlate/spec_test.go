package correlate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sharedtest"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// specExample extracts the YAML of the specification's "Failed Logins
// Followed by Successful Login" example into a rule file.
func specExample(t *testing.T) string {
	t.Helper()
	md := sharedtest.Path(t, "sigma", "specification", "specification", "sigma-correlation-rules-specification.md")
	data, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	_, after, ok := strings.Cut(text, "### Failed Logins Followed by Successful Login")
	if ok {
		_, after, ok = strings.Cut(after, "```yml\n")
	}
	yml, _, closed := strings.Cut(after, "```")
	if !ok || !closed {
		t.Fatalf("%s: no yml block under \"Failed Logins Followed by Successful Login\"", md)
	}
	path := filepath.Join(t.TempDir(), "mr_failed_logins_then_success.yml")
	if err := os.WriteFile(path, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// specSteps are the events played against each example; each event goes to
// the detection rules that match it.
var specSteps = map[string][]string{
	"event_count": lines(
		repeat(99, 0, 30*time.Second, "EventID=4625 ComputerName=dc2"),
		repeat(100, 2*time.Hour, 10*time.Second, "EventID=4625 ComputerName=dc1"),
	),
	"event_count_ecs": repeat(100, 0, 10*time.Second, "EventID=4625 dns.question.name=update.example.org"),
	"value_count": lines(
		repeat(10, 0, time.Minute, "EventID=4625 ComputerName=dc1 WorkstationName=ws7 User=same"),
		repeat(99, time.Hour, time.Minute, "EventID=4625 ComputerName=dc1 WorkstationName=ws7 User=user%d"),
	),
	"temporal": {
		"0s CommandLine=whoami ComputerName=pc1 User=alice",
		"1m CommandLine=ipconfig ComputerName=pc1 User=alice",
		"2m CommandLine=systeminfo ComputerName=pc1 User=bob",
		"3m CommandLine=systeminfo ComputerName=pc1 User=alice",
	},
	"temporal_ordered": {
		"0s CommandLine=whoami ComputerName=pc1 User=alice",
		"1m CommandLine=ipconfig ComputerName=pc1 User=alice",
		"2m CommandLine=systeminfo ComputerName=pc1 User=alice",
		"3m CommandLine=ipconfig ComputerName=pc1 User=alice",
	},
	"value_sum": {
		"0s cs-method=POST SourceIP=10.0.0.5 User=alice bytes_sent=700000",
		"30m cs-method=POST SourceIP=10.0.0.5 User=alice bytes_sent=400000",
	},
	"value_avg": {
		"0s Initiated=true SourceIP=10.0.0.5 User=alice BytesOut=900",
		"1h Initiated=true SourceIP=10.0.0.5 User=alice BytesOut=300",
		"2h Initiated=true SourceIP=10.0.0.5 User=bob BytesOut=300",
	},
	"value_percentile": {
		`0s Image=C:\Windows\System32\cmd.exe ComputerName=pc1`,
		`1h Image=C:\Windows\System32\rare.exe ComputerName=pc1`,
	},
	"failed_then_success": lines(
		repeat(10, 0, 20*time.Second, "EventID=4625 User=alice"),
		"5m EventID=4624 User=alice",
		"6m EventID=4624 User=bob",
	),
}

// TestSpecificationExamples loads the specification's correlation examples
// with sigma.Load and plays events through their rules' detections.
func TestSpecificationExamples(t *testing.T) {
	for name, s := range specScenarios(t) {
		t.Run(name, func(t *testing.T) {
			golden(t, "spec_yaml_"+name, s.run(t))
		})
	}
}

// specScenarios loads each example with the detection rules it references
// and pairs it with its events from specSteps.
func specScenarios(t *testing.T) map[string]scenario {
	t.Helper()
	dir := sharedtest.Path(t, "sigma", "specification", "tests", "schema", "correlation")
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no correlation examples in %s: %v", dir, err)
	}
	referenced := filepath.Join("testdata", "spec", "referenced_rules.yml")
	paths := map[string][]string{"failed_then_success": {specExample(t)}}
	for _, f := range files {
		paths[strings.TrimSuffix(filepath.Base(f), ".yml")] = []string{f, referenced}
	}
	for name := range specSteps {
		if paths[name] == nil {
			t.Errorf("%s: no such example in %s", name, dir)
		}
	}
	out := map[string]scenario{}
	for name, p := range paths {
		set := sigma.Load(p, sigma.Options{})
		for _, r := range set.Refused {
			t.Errorf("%s: refused: %v", name, r)
		}
		if len(set.Correlations) == 0 {
			t.Fatalf("%v: no correlation loaded", p)
		}
		steps, ok := specSteps[name]
		if !ok {
			t.Fatalf("no events to play for example %s", name)
		}
		out[name] = scenario{rules: set.Rules, corrs: set.Correlations, steps: steps, match: true}
	}
	return out
}
