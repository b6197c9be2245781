package assure

import (
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

func TestSupplementAddsObjectiveE(t *testing.T) {
	for _, file := range []string{"caf-v3.2.yaml", "caf-v4.0.yaml"} {
		f, err := Load(sharedtest.Path(t, "caf", file))
		if err != nil {
			t.Fatal(err)
		}
		before := len(f.Outcomes())
		if err := f.LoadSupplement("testdata/objective-e-placeholder.yaml"); err != nil {
			t.Fatal(err)
		}
		if got := len(f.Outcomes()); got != before+2 || f.Outcome("E1.a") == nil || f.Objectives[len(f.Objectives)-1].Code != "E" {
			t.Fatalf("%s: %d outcomes after the supplement, want %d", file, got, before+2)
		}
		if !strings.Contains(f.Outcome("E1.a").Title, "PLACEHOLDER") {
			t.Errorf("the fixture's title %q does not say it is a placeholder", f.Outcome("E1.a").Title)
		}
		tg := f.SupplementTargets()
		want := map[string][]string{
			"breach-reported-late": {"E1.a.1"}, "privacy-cases-open": {"E1.a.2"}, "privacy-monitored": {"E1.a.3"},
			"privacy-cases-decided": {"E1.a.4"}, "breaches-reported-in-72h": {"E1.a.5"},
		}
		for k, v := range want {
			if !slices.Equal(tg[k], v) {
				t.Errorf("%s: targets of %s = %v, want %v", file, k, tg[k], v)
			}
		}
		if len(tg) != len(want) {
			t.Errorf("%s: targets %v", file, tg)
		}
	}
}

func TestSupplementRefusals(t *testing.T) {
	outcome := func(code, vigil string) string {
		return "objectives:\n  E:\n    title: PLACEHOLDER\n    principles:\n      E9:\n        title: PLACEHOLDER\n        outcomes:\n" +
			"          " + code + ":\n            title: PLACEHOLDER\n            indicators:\n              achieved:\n" +
			"                " + code + ".1:\n                  description: PLACEHOLDER\n                  vigil: " + vigil + "\n"
	}
	cases := []struct {
		name, yaml, want string
	}{
		{"an outcome the CAF has", strings.ReplaceAll(outcome("A1.a", "privacy-monitored"), "E9", "A1"), "principle A1 is already"},
		{"an unknown figure", outcome("E9.a", "patients-happy"), `unknown figure "patients-happy"`},
		{"a figure outside E", strings.Replace(outcome("X9.a", "privacy-monitored"), "  E:", "  X:", 1), "outcomes E... only"},
		{"not YAML", "objectives: [", "supplement.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Load(sharedtest.Path(t, "caf", "caf-v3.2.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			n := len(f.Objectives)
			err = f.AddSupplement([]byte(c.yaml), "supplement.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if len(f.Objectives) != n {
				t.Errorf("objectives added despite the error")
			}
		})
	}
}
