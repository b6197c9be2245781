package correlate

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// t0 is the time the steps of a case count from.
var t0 = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

// scenario is a golden case: rules, correlations, and steps, one a line:
//
//	<offset> <rule>[,<rule>...] [field=value ...]   one event matching the rules
//	<offset> advance                                Advance to t0+offset
//	flush                                           Flush
//
// With match set, an event step names no rules: the event goes to every rule
// whose detection matches it. The golden file echoes each step and the
// results it returned.
type scenario struct {
	rules []*sigma.Rule
	corrs []*sigma.Correlation
	steps []string
	match bool
}

func rule(name, id string) *sigma.Rule {
	return &sigma.Rule{Meta: sigma.Meta{ID: id, Name: name, Title: name}}
}

func num(x float64) *float64 { return &x }

// repeat makes n event steps, the i-th (from 1) at start+i*every, with
// format filled with i.
func repeat(n int, start, every time.Duration, format string) []string {
	var out []string
	for i := 1; i <= n; i++ {
		off := start + time.Duration(i-1)*every
		line := format
		if strings.Contains(format, "%d") {
			line = fmt.Sprintf(format, i)
		}
		out = append(out, off.String()+" "+line)
	}
	return out
}

func lines(groups ...any) []string {
	var out []string
	for _, g := range groups {
		switch g := g.(type) {
		case string:
			out = append(out, g)
		case []string:
			out = append(out, g...)
		}
	}
	return out
}

// run plays a scenario and renders what happened.
func (s *scenario) run(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	e, err := New(s.rules, s.corrs)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(&b, "error: %s\n", line)
		}
	}
	for _, r := range s.rules {
		fmt.Fprintf(&b, "rule %s: referenced=%v suppressed=%v\n", cmp.Or(r.Name, r.ID), e.Referenced(r), e.Suppressed(r))
	}
	for _, c := range s.corrs {
		fmt.Fprintf(&b, "correlation %q: suppressed=%v\n", c.Title, e.SuppressedCorrelation(c))
	}
	byName := map[string]*sigma.Rule{}
	for _, r := range s.rules {
		byName[r.Name] = r
	}
	var ev event.Event
	for i, step := range s.steps {
		fmt.Fprintf(&b, "%s\n", step)
		for _, r := range s.play(t, e, &ev, byName, i+1, step) {
			checkResult(t, r)
			fmt.Fprintf(&b, "  => %s\n", render(r))
		}
	}
	b.WriteString("end\n")
	for _, r := range e.Flush() {
		checkResult(t, r)
		fmt.Fprintf(&b, "  => %s\n", render(r))
	}
	if n := e.Stats().Windows; n != 0 {
		t.Errorf("after Flush %d windows are open", n)
	}
	return b.String()
}

func (s *scenario) play(t *testing.T, e *Engine, ev *event.Event, byName map[string]*sigma.Rule, record int, step string) []Result {
	t.Helper()
	f := strings.Fields(step)
	if f[0] == "flush" {
		return e.Flush()
	}
	off, err := time.ParseDuration(f[0])
	if err != nil || len(f) < 2 {
		t.Fatalf("step %d %q: want <offset> <rules|advance> [field=value...]", record, step)
	}
	at := t0.Add(off)
	if f[1] == "advance" {
		return e.Advance(at)
	}
	kvs := f[2:]
	if s.match {
		kvs = f[1:]
	}
	ev.Reset()
	ev.Time, ev.Source, ev.Record = at, "test.evtx", uint64(record)
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("step %d %q: %q is not field=value", record, step, kv)
		}
		ev.Set(k, v)
	}
	var out []Result
	for _, r := range s.matching(t, ev, byName, f[1]) {
		out = append(out, e.Observe(r, ev)...)
	}
	return out
}

// matching returns the rules an event step names, or with match set those
// whose detection matches ev.
func (s *scenario) matching(t *testing.T, ev *event.Event, byName map[string]*sigma.Rule, names string) []*sigma.Rule {
	t.Helper()
	var rules []*sigma.Rule
	if s.match {
		for _, r := range s.rules {
			if r.Match(ev) {
				rules = append(rules, r)
			}
		}
		if len(rules) == 0 {
			t.Fatalf("event %v matches no rule", ev.Map())
		}
		return rules
	}
	for _, name := range strings.Split(names, ",") {
		r := byName[name]
		if r == nil {
			t.Fatalf("no rule named %q", name)
		}
		rules = append(rules, r)
	}
	return rules
}

// checkResult asserts what every result must satisfy.
func checkResult(t *testing.T, r Result) {
	t.Helper()
	if !holds(r.Correlation, r.Value) {
		t.Errorf("%s: value %v does not meet its condition %s", r.Correlation.Title, r.Value, renderRange(r.Correlation.Condition))
	}
	if len(r.Events) > MaxEventRefs || len(r.Events) > r.EventCount {
		t.Errorf("%s: %d event refs for %d events", r.Correlation.Title, len(r.Events), r.EventCount)
	}
	if r.First.After(r.Last) || r.Last.After(r.Time) {
		t.Errorf("%s: first %v, last %v, time %v out of order", r.Correlation.Title, r.First, r.Last, r.Time)
	}
	if r.Correlation.Type != sigma.ValueAvg && r.Correlation.Type != sigma.ValuePercentile &&
		r.Last.Sub(r.First) > r.Correlation.Timespan {
		t.Errorf("%s: events span %v, more than %v", r.Correlation.Title, r.Last.Sub(r.First), r.Correlation.Timespan)
	}
}

// holds evaluates a condition independently of the engine's own code.
func holds(c *sigma.Correlation, v float64) bool {
	r := c.Condition
	if r == (sigma.Range{}) && (c.Type == sigma.Temporal || c.Type == sigma.TemporalOrdered) {
		n := len(c.Rules)
		if c.Type == sigma.Temporal {
			n = len(slices.Compact(slices.Sorted(slices.Values(c.Rules))))
		}
		return v >= float64(n)
	}
	ok := true
	check := func(p *float64, f func(b float64) bool) {
		if p != nil && !f(*p) {
			ok = false
		}
	}
	check(r.GT, func(b float64) bool { return v > b })
	check(r.GTE, func(b float64) bool { return v >= b })
	check(r.LT, func(b float64) bool { return v < b })
	check(r.LTE, func(b float64) bool { return v <= b })
	check(r.EQ, func(b float64) bool { return v == b })
	check(r.NEQ, func(b float64) bool { return v != b })
	return ok
}

func render(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q value=%s group={", r.Correlation.Title, strconv.FormatFloat(r.Value, 'f', -1, 64))
	for i, g := range r.Correlation.GroupBy {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%s", g, r.GroupBy[g])
	}
	fmt.Fprintf(&b, "} first=%s last=%s time=%s events=%d %s",
		r.First.Sub(t0), r.Last.Sub(t0), r.Time.Sub(t0), r.EventCount, renderRefs(r.Events))
	if r.Ignored > 0 {
		fmt.Fprintf(&b, " ignored=%d", r.Ignored)
	}
	if r.Suppressed {
		b.WriteString(" suppressed")
	}
	return b.String()
}

// renderRefs lists references as rule#record, runs of one rule as rule#a..b.
func renderRefs(refs []EventRef) string {
	var parts []string
	for i := 0; i < len(refs); {
		j := i + 1
		for j < len(refs) && refs[j].RuleID == refs[i].RuleID && refs[j].Record == refs[j-1].Record+1 {
			j++
		}
		if j-i > 2 {
			parts = append(parts, fmt.Sprintf("%s#%d..%d", refs[i].RuleID, refs[i].Record, refs[j-1].Record))
		} else {
			for k := i; k < j; k++ {
				parts = append(parts, fmt.Sprintf("%s#%d", refs[k].RuleID, refs[k].Record))
			}
		}
		i = j
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func renderRange(r sigma.Range) string {
	var parts []string
	for _, b := range []struct {
		name string
		v    *float64
	}{{"gt", r.GT}, {"gte", r.GTE}, {"lt", r.LT}, {"lte", r.LTE}, {"eq", r.EQ}, {"neq", r.NEQ}} {
		if b.v != nil {
			parts = append(parts, fmt.Sprintf("%s %v", b.name, *b.v))
		}
	}
	return strings.Join(parts, ", ")
}

// golden compares got with testdata/golden/name.txt, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}
