package assure

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// answer makes the first n indicators of group g hold, where how is all,
// some (one fewer than all, at least one) or none.
func answer(a Answers, o *Outcome, g Group, how string) {
	ind := o.Indicators[g]
	n := 0
	switch how {
	case "all":
		n = len(ind)
	case "some":
		n = len(ind) - 1
	}
	for i, x := range ind {
		a[x.ID] = i < n
	}
}

// TestRollUpMatchesTheFrameworkTable checks Assess against the CAF v3.2
// file's own table of all 27 combinations (all, some or none of the
// achieved, partially-achieved and not-achieved statements holding), on
// every outcome where each group has at least two statements.
func TestRollUpMatchesTheFrameworkTable(t *testing.T) {
	path := sharedtest.Path(t, "caf", "caf-v3.2.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rules map[string]struct {
			Status string `yaml:"outcome_status"`
		} `yaml:"assessment-rules"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rules) != 27 {
		t.Fatalf("the table has %d rules, want 27", len(doc.Rules))
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, o := range f.Outcomes() {
		if len(o.Indicators[GroupAchieved]) < 2 || len(o.Indicators[GroupPartiallyAchieved]) < 2 || len(o.Indicators[GroupNotAchieved]) < 2 {
			continue
		}
		tested++
		for key, rule := range doc.Rules {
			how := strings.Split(key, "_") // achieved, partially, not achieved
			a := Answers{}
			answer(a, o, GroupAchieved, how[0])
			answer(a, o, GroupPartiallyAchieved, how[1])
			answer(a, o, GroupNotAchieved, how[2])
			if got := Assess(o, a); string(got.Status) != rule.Status {
				t.Errorf("%s %s: %q (%s), the table says %q", o.Code, key, got.Status, got.Reason, rule.Status)
			}
		}
	}
	if tested < 5 {
		t.Fatalf("only %d outcomes have two statements in every group", tested)
	}
}

func TestRollUpLevels(t *testing.T) {
	o := &Outcome{Code: "X1.a", Indicators: map[Group][]Indicator{
		GroupNotAchieved:       {{ID: "n1"}, {ID: "n2"}},
		GroupPartiallyAchieved: {{ID: "p1"}},
		GroupAchieved:          {{ID: "a1"}, {ID: "a2"}},
	}}
	noPA := &Outcome{Code: "X1.b", Indicators: map[Group][]Indicator{
		GroupNotAchieved: {{ID: "n1"}},
		GroupAchieved:    {{ID: "a1"}},
	}}
	cases := []struct {
		o    *Outcome
		a    Answers
		want Status
	}{
		{o, Answers{}, Unassessed},
		{o, Answers{"a1": true, "a2": true}, Achieved},
		{o, Answers{"a1": true, "a2": true, "n2": true}, NotAchieved},
		{o, Answers{"p1": true, "a1": true}, PartiallyAchieved},
		{o, Answers{"p1": true, "n1": true}, NotAchieved},
		{o, Answers{"a1": true, "p1": false}, NotAchieved},
		{o, Answers{"n1": false}, NotAchieved},
		{noPA, Answers{"a1": false, "n1": false}, NotAchieved},
		{noPA, Answers{"a1": true}, Achieved},
	}
	for i, c := range cases {
		if got := Assess(c.o, c.a); got.Status != c.want || got.Reason == "" {
			t.Errorf("case %d: %q (%s), want %q", i, got.Status, got.Reason, c.want)
		}
	}
}

func TestGapsAgainstBaseline(t *testing.T) {
	f, err := Load(sharedtest.Path(t, "caf", "caf-v3.2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	base, err := f.Profile("baseline")
	if err != nil {
		t.Fatal(err)
	}
	// Everything achieved except A1.a, where a not-achieved statement holds.
	a := Answers{}
	for _, o := range f.Outcomes() {
		answer(a, o, GroupAchieved, "all")
		answer(a, o, GroupPartiallyAchieved, "all")
	}
	a[f.Outcome("A1.a").Indicators[GroupNotAchieved][0].ID] = true
	gaps := Gaps(f, AssessAll(f, a), base)
	if got := fmt.Sprint(gaps); len(gaps) != 1 || gaps[0].Outcome != "A1.a" || gaps[0].Status != NotAchieved || gaps[0].Target != Achieved {
		t.Errorf("gaps %s, want only A1.a", got)
	}
	if gaps := Gaps(f, nil, base); len(gaps) != len(base) {
		t.Errorf("with nothing assessed %d gaps, want %d", len(gaps), len(base))
	}
}
