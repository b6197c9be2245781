package people

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRakeHandComputed(t *testing.T) {
	// Two staff groups (nurses N, doctors D) at two sites (A, B). The
	// workforce is 60% N and 40% D, half at each site.
	groups := map[string]int{"N": 600, "D": 400}
	sites := map[string]int{"A": 500, "B": 500}
	// IPF keeps the sample's odds ratio (4*4)/(1*1) = 16 and meets the
	// margins N=6, D=4, A=5, B=5 (of 10): with m(N,A) = x, the fitted
	// table is [[x, 6-x], [5-x, x-1]] and x(x-1) = 16(6-x)(5-x), that is
	// 3x² - 35x + 96 = 0, so x = (35 - √73)/6 ≈ 4.40933.
	x := (35 - math.Sqrt(73)) / 6
	cases := []struct {
		name string
		n    map[cell]int
		want map[cell]float64
	}{
		{"one round", map[cell]int{{"N", "A"}: 4, {"N", "B"}: 4, {"D", "A"}: 1, {"D", "B"}: 1},
			map[cell]float64{{"N", "A"}: 0.75, {"N", "B"}: 0.75, {"D", "A"}: 2, {"D", "B"}: 2}},
		{"odds ratio kept", map[cell]int{{"N", "A"}: 4, {"N", "B"}: 1, {"D", "A"}: 1, {"D", "B"}: 4},
			map[cell]float64{{"N", "A"}: x / 4, {"N", "B"}: 6 - x, {"D", "A"}: 5 - x, {"D", "B"}: (x - 1) / 4}},
	}
	for _, c := range cases {
		r, err := rake(c.n, groups, sites)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for cl, w := range c.want {
			if math.Abs(r.weight[cl]-w) > 1e-7 {
				t.Errorf("%s: weight %v = %.9f, want %.9f", c.name, cl, r.weight[cl], w)
			}
		}
	}
}

func TestRakeFailsRatherThanGuess(t *testing.T) {
	cases := []struct {
		name          string
		n             map[cell]int
		groups, sites map[string]int
		want          string
	}{
		// Nurses answered only from site A and doctors only from B, so the
		// nurses' total is site A's total: 90% and 10% cannot both hold.
		{"margins cannot meet", map[cell]int{{"N", "A"}: 5, {"D", "B"}: 5}, map[string]int{"N": 900, "D": 100}, map[string]int{"A": 100, "B": 900}, "no convergence"},
		{"group without staff", map[cell]int{{"X", "A"}: 5}, map[string]int{"N": 10}, map[string]int{"A": 10}, `staff group "X"`},
		{"site without staff", map[cell]int{{"N", "Z"}: 5}, map[string]int{"N": 10}, map[string]int{"A": 10}, `site "Z"`},
		{"nobody", map[cell]int{}, map[string]int{"N": 10}, map[string]int{"A": 10}, "no respondents"},
	}
	for _, c := range cases {
		r, err := rake(c.n, c.groups, c.sites)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if r.weight != nil {
			t.Errorf("%s: weights returned with the error", c.name)
		}
	}
}

func TestRakeUncovered(t *testing.T) {
	r, err := rake(map[cell]int{{"N", "A"}: 3}, map[string]int{"N": 5, "D": 5}, map[string]int{"A": 5, "B": 5})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r.uncovered) != "[staff group D site B]" || r.weight[cell{"N", "A"}] != 1 {
		t.Fatalf("uncovered %v, weight %v", r.uncovered, r.weight)
	}
}

// pulseDirectory is a workforce of 600 nurses and 400 doctors, half of
// each at site A, plus 20 porters at site A.
func pulseDirectory(t testing.TB) *Directory {
	t.Helper()
	var people []Person
	add := func(group, site string, n int) {
		for range n {
			id := fmt.Sprint(len(people) + 1)
			people = append(people, Person{ID: id, Name: "Person " + id, Email: "p" + id + "@trust.nhs.uk", Group: group, Site: site})
		}
	}
	add("N", "A", 300)
	add("N", "B", 300)
	add("D", "A", 200)
	add("D", "B", 200)
	d, err := NewDirectory(people)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// submit adds n responses answering every question with a.
func submit(t testing.TB, p *Pulse, round, group, site string, n int, a Answer) {
	t.Helper()
	for range n {
		if err := p.Submit(Response{Round: round, Group: group, Site: site, Answers: [numQuestions]Answer{a, a, a, a}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPulseResultsWeighted(t *testing.T) {
	p := NewPulse(pulseDirectory(t))
	// The hand-computed table above, five times over: nurses at A agree,
	// nurses at B disagree, doctors at A say yes, doctors at B say no.
	submit(t, p, "2026-Q1", "N", "A", 20, Agree)
	submit(t, p, "2026-Q1", "N", "B", 5, Disagree)
	submit(t, p, "2026-Q1", "D", "A", 5, Yes)
	submit(t, p, "2026-Q1", "D", "B", 20, No)
	r, err := p.Results("2026-Q1")
	if err != nil {
		t.Fatal(err)
	}
	x := (35 - math.Sqrt(73)) / 6
	if r.Respondents != 50 || len(r.Groups) != 2 || r.Suppressed != 0 || r.Source != NationalSource {
		t.Fatalf("results = %+v", r)
	}
	d, n := r.Groups[0], r.Groups[1]
	if n.Group != "N" || n.Respondents != 25 || math.Abs(n.Questions[QRole].Positive-x/6) > 1e-7 || n.Questions[QRole].Unweighted != 0.8 {
		t.Errorf("nurses = %+v, want weighted positive %.6f", n, x/6)
	}
	if d.Group != "D" || math.Abs(d.Questions[QTrust].Positive-(5-x)/4) > 1e-7 || d.Questions[QTrust].Unweighted != 0.2 {
		t.Errorf("doctors = %+v, want weighted positive %.6f", d, (5-x)/4)
	}
	if math.Abs(r.Overall[QMeasures].Positive-0.5) > 1e-7 || r.Overall[QTraining].National != 0.40 || r.Overall[QRole].National != 0.94 {
		t.Errorf("overall = %+v", r.Overall)
	}
}

func TestPulseSuppression(t *testing.T) {
	cases := []struct {
		name       string
		counts     map[cell]int
		wantGroups []string
		wantTotal  int
	}{
		{"all large", map[cell]int{{"N", "A"}: 12, {"D", "A"}: 10}, []string{"D", "N"}, 22},
		// One group of 9 hidden: the overall less the nurses would reveal
		// it, so the smallest shown group (doctors, 11) is hidden too.
		{"secondary", map[cell]int{{"N", "A"}: 15, {"N", "B"}: 15, {"D", "A"}: 6, {"D", "B"}: 5, {"P", "A"}: 9}, []string{"N"}, 50},
		// Hidden groups together reach ten: no further group need go.
		{"hidden add up", map[cell]int{{"N", "A"}: 15, {"N", "B"}: 15, {"D", "A"}: 6, {"D", "B"}: 5, {"P", "A"}: 9, {"Q", "B"}: 1}, []string{"D", "N"}, 51},
		{"round too small", map[cell]int{{"N", "A"}: 9}, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := pulseDirectory(t)
			people := dir.People()
			for i, g := range []string{"P", "Q"} {
				people = append(people, Person{ID: g + "1", Email: g + "@x.nhs.uk", Group: g, Site: []string{"A", "B"}[i]})
			}
			dir, _ = NewDirectory(people)
			p := NewPulse(dir)
			for cl, k := range c.counts {
				submit(t, p, "2026-05", cl.group, cl.site, k, Agree)
			}
			r, err := p.Results("2026-05")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range r.Groups {
				got = append(got, g.Group)
			}
			groups := map[string]bool{}
			for cl := range c.counts {
				groups[cl.group] = true
			}
			if fmt.Sprint(got) != fmt.Sprint(c.wantGroups) || r.Respondents != c.wantTotal || r.Suppressed != len(groups)-len(got) {
				t.Fatalf("groups %v, respondents %d, suppressed %d; want %v, %d", got, r.Respondents, r.Suppressed, c.wantGroups, c.wantTotal)
			}
			if c.wantTotal == 0 && r.Overall != nil {
				t.Fatal("overall shown for a round under ten")
			}
		})
	}
}

func TestPulseQuestionSuppressed(t *testing.T) {
	p := NewPulse(pulseDirectory(t))
	for i := range 12 {
		r := Response{Round: "2026-05", Group: "N", Site: "A", Answers: [numQuestions]Answer{Agree}}
		if i < 3 {
			r.Answers[QTrust] = No
		}
		if err := p.Submit(r); err != nil {
			t.Fatal(err)
		}
	}
	res, err := p.Results("2026-05")
	if err != nil {
		t.Fatal(err)
	}
	q := res.Groups[0].Questions
	if q[QRole].Suppressed || q[QRole].Positive != 1 || !q[QTrust].Suppressed || q[QTrust].Positive != 0 || q[QTrust].Answered != 3 {
		t.Fatalf("questions = %+v", q)
	}
}

func TestPulseSubmitRefuses(t *testing.T) {
	p := NewPulse(pulseDirectory(t))
	ok := [numQuestions]Answer{Agree}
	cases := []struct {
		r     Response
		field string
	}{
		{Response{Round: "2026-13", Group: "N", Site: "A", Answers: ok}, "round"},
		{Response{Round: "May 2026", Group: "N", Site: "A", Answers: ok}, "round"},
		{Response{Round: "2026-Q2", Group: "Porters", Site: "A", Answers: ok}, "staff_group"},
		{Response{Round: "2026-Q2", Group: "N", Site: "Mars", Answers: ok}, "site"},
		{Response{Round: "2026-Q2", Group: "N", Site: "A"}, "answers"},
		{Response{Round: "2026-Q2", Group: "N", Site: "A", Answers: [numQuestions]Answer{QTrust: "maybe"}}, "answers.trust"},
	}
	for _, c := range cases {
		err := p.Submit(c.r)
		fe, isFE := err.(*FieldError)
		if !isFE || fe.Field != c.field {
			t.Errorf("Submit(%+v) = %v, want a field error on %s", c.r, err, c.field)
		}
	}
	if len(p.Rounds()) != 0 {
		t.Fatalf("refused responses were counted: rounds %v", p.Rounds())
	}
}

// identifying are field names that would tie an answer to a person or a
// moment.
var identifying = []string{"id", "staffid", "name", "email", "user", "username", "ip", "address", "manager", "time", "at", "submitted", "person"}

func TestPulseTypesCarryNothingIdentifying(t *testing.T) {
	for _, v := range []any{Response{}, PulseResults{}, GroupPulse{}, QuestionResult{}, cellTally{}, NationalFigure{}} {
		checkType(t, reflect.TypeOf(v), reflect.TypeOf(v).Name())
	}
}

// checkType fails on a field with an identifying name, or a time.
func checkType(t *testing.T, typ reflect.Type, path string) {
	t.Helper()
	switch typ.Kind() {
	case reflect.Slice, reflect.Array, reflect.Pointer:
		checkType(t, typ.Elem(), path+"[]")
		return
	case reflect.Struct:
	default:
		return
	}
	if typ == reflect.TypeOf(time.Time{}) {
		t.Errorf("%s is a time: responses must not carry one finer than the round", path)
		return
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := strings.ToLower(f.Name)
		for _, bad := range identifying {
			if name == bad || strings.HasSuffix(name, bad) && bad != "at" && bad != "id" {
				t.Errorf("%s.%s could identify a person", path, f.Name)
			}
		}
		checkType(t, f.Type, path+"."+f.Name)
	}
}

func TestPulseAnonymityProperty(t *testing.T) {
	dir := pulseDirectory(t)
	rng := rand.New(rand.NewPCG(1, 2))
	answers := []Answer{StronglyAgree, Agree, Neither, Disagree, StronglyDisagree, Yes, No, ""}
	for trial := range 200 {
		p := NewPulse(dir)
		round := fmt.Sprintf("2026-%02d", trial%12+1)
		for range rng.IntN(60) {
			r := Response{Round: round, Group: []string{"N", "D"}[rng.IntN(2)], Site: []string{"A", "B"}[rng.IntN(2)]}
			for q := range r.Answers {
				r.Answers[q] = answers[rng.IntN(len(answers))]
			}
			r.Answers[rng.IntN(int(numQuestions))] = Agree // at least one answer
			if err := p.Submit(r); err != nil {
				t.Fatal(err)
			}
		}
		res, err := p.Results(round)
		if err != nil {
			if !strings.Contains(err.Error(), "no responses") && !strings.Contains(err.Error(), "raking") {
				t.Fatalf("trial %d: %v", trial, err)
			}
			continue
		}
		checkAnonymous(t, trial, res)
	}
}

// checkAnonymous asserts the suppression rules and that no figure is NaN.
func checkAnonymous(t *testing.T, trial int, res PulseResults) {
	t.Helper()
	if res.Respondents != 0 && res.Respondents < MinGroupSize {
		t.Fatalf("trial %d: overall shown for %d respondents", trial, res.Respondents)
	}
	shown := 0
	for _, g := range res.Groups {
		shown += g.Respondents
		if g.Respondents < MinGroupSize {
			t.Fatalf("trial %d: group %s shown with %d respondents", trial, g.Group, g.Respondents)
		}
		checkFigures(t, trial, g.Questions)
	}
	if hidden := res.Respondents - shown; hidden > 0 && hidden < MinGroupSize {
		t.Fatalf("trial %d: %d hidden respondents can be worked out from the overall", trial, hidden)
	}
	checkFigures(t, trial, res.Overall)
	b, err := json.Marshal(res)
	if err != nil || strings.Contains(string(b), "@") || strings.Contains(string(b), "Person ") {
		t.Fatalf("trial %d: results JSON %s (%v) names someone", trial, b, err)
	}
}

func checkFigures(t *testing.T, trial int, qs []QuestionResult) {
	t.Helper()
	for _, q := range qs {
		if math.IsNaN(q.Positive) || q.Positive < 0 || q.Positive > 1+1e-9 || (q.Suppressed && q.Positive != 0) {
			t.Fatalf("trial %d: question %v positive %v suppressed %v", trial, q.Question, q.Positive, q.Suppressed)
		}
	}
}

func TestPulseTrend(t *testing.T) {
	p := NewPulse(pulseDirectory(t))
	submit(t, p, "2026-Q2", "N", "A", 10, Agree)
	submit(t, p, "2026-Q1", "N", "A", 10, Disagree)
	tr, err := p.Trend()
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) != 2 || tr[0].Round != "2026-Q1" || tr[0].Overall[QRole].Positive != 0 || tr[1].Overall[QRole].Positive != 1 {
		t.Fatalf("trend = %+v", tr)
	}
	if _, err := p.Results("2025-Q4"); err == nil {
		t.Fatal("results for a round without responses")
	}
}
