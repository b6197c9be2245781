package assure

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// outcomeKey finds contributing-outcome keys (A1.a:) in the raw YAML, so
// that the model is checked against the text and not against itself.
var outcomeKey = regexp.MustCompile(`(?m)^\s+([A-Z][0-9]+\.[a-z]):\s*$`)

func TestLoadSharedFrameworks(t *testing.T) {
	for _, c := range []struct {
		file, version string
		outcomes      int
	}{
		{"caf-v3.2.yaml", "3.2", 39},
		{"caf-v4.0.yaml", "4.0", 41},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := sharedtest.Path(t, "caf", c.file)
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Version != c.version {
				t.Errorf("version %q, want %q", f.Version, c.version)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, m := range outcomeKey.FindAllStringSubmatch(string(raw), -1) {
				want = append(want, m[1])
			}
			var got []string
			for _, o := range f.Outcomes() {
				got = append(got, o.Code)
				if len(o.Indicators[GroupAchieved]) == 0 || len(o.Indicators[GroupNotAchieved]) == 0 {
					t.Errorf("%s: %d achieved and %d not-achieved indicators", o.Code, len(o.Indicators[GroupAchieved]), len(o.Indicators[GroupNotAchieved]))
				}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("outcomes in the model:\n%v\nin the file:\n%v", got, want)
			}
			if len(got) != c.outcomes {
				t.Errorf("%d outcomes, want %d", len(got), c.outcomes)
			}
			if len(f.Objectives) != 4 || f.Objectives[0].Code != "A" || f.Objectives[3].Code != "D" {
				t.Errorf("objectives %v", f.Objectives)
			}
			if o := f.Outcome("A1.a"); o == nil || o.Title != "Board Direction" {
				t.Errorf("A1.a = %+v", o)
			}
		})
	}
}

func TestIndicatorsKeepOrderAndIndex(t *testing.T) {
	f, err := Load(sharedtest.Path(t, "caf", "caf-v3.2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a := f.Outcome("A1.a").Indicators[GroupAchieved]
	if len(a) < 4 || a[0].ID != "A1.a.5" || a[0].NCSCIndex != "A1.a.A.1" || !strings.Contains(a[1].Description, "board-level discussions") {
		t.Errorf("A1.a achieved indicators: %+v", a)
	}
}

func TestBaselineProfile(t *testing.T) {
	f, err := Load(sharedtest.Path(t, "caf", "caf-v3.2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	base, err := f.Profile("baseline")
	if err != nil {
		t.Fatal(err)
	}
	if len(base) != 39 || base["A1.a"] != Achieved {
		t.Errorf("baseline has %d outcomes, A1.a %q", len(base), base["A1.a"])
	}
	v4, err := Load(sharedtest.Path(t, "caf", "caf-v4.0.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v4.Profile("baseline"); err == nil {
		t.Error("v4.0 gives no profiles, want an error")
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"not yaml", "objectives: [", "caf bad.yaml"},
		{"no objectives", "foo: 1\n", "no objectives key"},
		{"no title", "objectives:\n  A:\n    code: A\n    principles: {}\n", "bad.yaml:3: objective A: no title"},
		{"code differs", "objectives:\n  A:\n    code: B\n    title: T\n", "code \"B\" differs"},
		{"bad group", "objectives:\n  A:\n    title: T\n    principles:\n      A1:\n        title: P\n        outcomes:\n          A1.a:\n            title: O\n            indicators:\n              nearly: {}\n", "bad.yaml:11: outcome A1.a: unknown indicator group \"nearly\""},
		{"bad profile", "objectives:\n  A:\n    title: T\n    principles:\n      A1:\n        title: P\n        outcomes:\n          A1.a:\n            title: O\n            indicators: {}\n            min_profile_requirement:\n              baseline: Great\n", "profile baseline: \"Great\" is not"},
		{"no outcomes", "objectives:\n  A:\n    title: T\n    principles: {}\n", "no contributing outcomes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), "bad.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	raw, err := os.ReadFile(sharedtest.Path(f, "caf", "caf-v3.2.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw[:4000])
	f.Add([]byte("objectives:\n  A:\n    title: T\n    principles:\n      A1:\n        title: P\n        outcomes:\n          A1.a:\n            title: O\n            indicators:\n              achieved:\n                A1.a.1: {description: d}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Parse(data, "fuzz.yaml")
		if err != nil {
			return
		}
		for _, o := range fw.Outcomes() {
			if o.Code == "" || o.Title == "" {
				t.Fatalf("outcome without code or title: %+v", o)
			}
			Assess(o, Answers{})
		}
	})
}
