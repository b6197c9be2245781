package correlate

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

func mustNew(t testing.TB, rules []*sigma.Rule, corrs ...*sigma.Correlation) *Engine {
	t.Helper()
	e, err := New(rules, corrs)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func countCorr(rules []string, gte float64, span time.Duration, groupBy ...string) *sigma.Correlation {
	return &sigma.Correlation{
		Meta: sigma.Meta{Title: "count"}, Type: sigma.EventCount, Rules: rules,
		GroupBy: groupBy, Timespan: span, Condition: sigma.Range{GTE: num(gte)},
	}
}

func TestObserveIgnoresWhatItDoesNotKnow(t *testing.T) {
	r := rule("r", "id-r")
	e := mustNew(t, []*sigma.Rule{r}, countCorr([]string{"r"}, 1, time.Minute))
	ev := &event.Event{Time: t0}
	if got := e.Observe(rule("other", "id-other"), ev); len(got) != 0 {
		t.Errorf("unknown rule gave %d results", len(got))
	}
	if got := e.Observe(nil, ev); len(got) != 0 {
		t.Errorf("nil rule gave %d results", len(got))
	}
	if got := e.Observe(r, nil); len(got) != 0 {
		t.Errorf("nil event gave %d results", len(got))
	}
	if got := e.Advance(time.Time{}); len(got) != 0 {
		t.Errorf("Advance(zero) gave %d results", len(got))
	}
	// A copy of the rule (another pointer, same id) is the same rule.
	cp := *r
	if got := e.Observe(&cp, ev); len(got) != 1 {
		t.Errorf("copy of the rule gave %d results, want 1", len(got))
	}
	if !e.Referenced(&cp) || !e.Suppressed(&cp) {
		t.Errorf("copy of the rule: Referenced %v, Suppressed %v; want both", e.Referenced(&cp), e.Suppressed(&cp))
	}
}

func TestErrorsNameTheCorrelationAndWrapTheCause(t *testing.T) {
	c := countCorr([]string{"missing"}, 1, time.Minute)
	c.Path, c.Line, c.ID = "rules/brute.yml", 12, "0e95725d"
	_, err := New(nil, []*sigma.Correlation{c})
	var ce *Error
	if !errors.As(err, &ce) || ce.Correlation != c || ce.Ref != "missing" {
		t.Fatalf("error %v is not an *Error for the correlation and its reference", err)
	}
	if !errors.Is(err, ErrUnknownRef) {
		t.Errorf("error %v does not wrap ErrUnknownRef", err)
	}
	want := `rules/brute.yml:12: correlation "count" (id 0e95725d): rule "missing": no rule or correlation has this id or name`
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
}

// TestEventIsBorrowed changes the bytes behind an event's strings after
// each Observe: what the engine kept must not change with them.
func TestEventIsBorrowed(t *testing.T) {
	r := rule("r", "id-r")
	c := countCorr([]string{"r"}, 2, time.Hour, "User")
	vc := &sigma.Correlation{Meta: sigma.Meta{Title: "distinct"}, Type: sigma.ValueCount, Rules: []string{"r"},
		GroupBy: []string{"User"}, Timespan: time.Hour, Field: "Host", Condition: sigma.Range{GTE: num(3)}}
	// Events come 20 seconds apart: this window never holds three hosts,
	// unless it fails to find a kept value again to let it go.
	short := &sigma.Correlation{Meta: sigma.Meta{Title: "short"}, Type: sigma.ValueCount, Rules: []string{"r"},
		GroupBy: []string{"User"}, Timespan: 30 * time.Second, Field: "Host", Condition: sigma.Range{GTE: num(3)}}
	e := mustNew(t, []*sigma.Rule{r}, c, vc, short)
	user, host, src := []byte("alice"), []byte("pc1"), []byte("a.evtx")
	var ev event.Event
	observe := func(i int, h, s string) []Result {
		ev.Reset()
		copy(user, "alice")
		copy(host, h)
		copy(src, s)
		ev.Time, ev.Source = t0.Add(time.Duration(i)*20*time.Second), unsafe.String(&src[0], len(src))
		ev.Set("User", unsafe.String(&user[0], len(user)))
		ev.Set("Host", unsafe.String(&host[0], len(host)))
		got := e.Observe(r, &ev)
		copy(user, "xxxxx") // clobber what the engine saw
		copy(host, "ppp")
		copy(src, "zzzzzz")
		return got
	}
	observe(0, "pc1", "a.evtx")
	got := observe(1, "pc2", "b.evtx")
	if len(got) != 1 || got[0].GroupBy["User"] != "alice" || got[0].Events[0].Source != "a.evtx" {
		t.Fatalf("event_count result %+v: want one, for alice, first event from a.evtx", got)
	}
	if got := observe(2, "pc1", "b.evtx"); len(got) != 0 {
		t.Fatalf("hosts pc1, pc2, pc1 gave %+v: want no result (2 distinct)", got)
	}
	got = observe(3, "pc3", "b.evtx")
	if len(got) != 2 || got[1].Correlation != vc || got[1].Value != 3 {
		t.Fatalf("hosts pc1, pc2, pc1, pc3 gave %+v: want a second event_count and 3 distinct hosts", got)
	}
}

// TestFullWindowMergesWithoutLosingCount fills one window past
// MaxWindowEntries: counts must survive the merging.
func TestFullWindowMergesWithoutLosingCount(t *testing.T) {
	r := rule("r", "id-r")
	const n = 3 * MaxWindowEntries
	e := mustNew(t, []*sigma.Rule{r}, countCorr([]string{"r"}, n, time.Hour))
	var ev event.Event
	var got []Result
	for i := range n {
		ev.Reset()
		ev.Time, ev.Record = t0.Add(time.Duration(i)*time.Millisecond), uint64(i+1)
		got = append(got, e.Observe(r, &ev)...)
	}
	if len(got) != 1 || got[0].Value != n || got[0].EventCount != n || len(got[0].Events) != MaxEventRefs {
		t.Fatalf("got %d results (%+v), want one of value %d with %d refs", len(got), got, n, MaxEventRefs)
	}
	if e.Stats().Merged == 0 {
		t.Errorf("Stats.Merged = 0 after %d entries in one window", n)
	}
}

func TestExpiredWindowsAreDropped(t *testing.T) {
	r := rule("r", "id-r")
	lt := &sigma.Correlation{Meta: sigma.Meta{Title: "few"}, Type: sigma.EventCount, Rules: []string{"r"},
		GroupBy: []string{"User"}, Timespan: time.Minute, Condition: sigma.Range{LT: num(1000)}}
	e := mustNew(t, []*sigma.Rule{r}, countCorr([]string{"r"}, 1000, time.Minute, "User"), lt)
	var ev event.Event
	for i := range 500 {
		ev.Reset()
		ev.Time = t0.Add(time.Duration(i) * time.Millisecond)
		ev.Set("User", string(rune('a'+i%26))+string(rune('a'+i/26)))
		e.Observe(r, &ev)
	}
	if w := e.Stats().Windows; w != 1000 {
		t.Fatalf("Stats.Windows = %d, want 1000 (500 groups, two correlations)", w)
	}
	got := e.Advance(t0.Add(2 * time.Minute))
	if w := e.Stats().Windows; w != 0 {
		t.Errorf("after Advance past the timespan Stats.Windows = %d, want 0", w)
	}
	if len(got) != 500 {
		t.Errorf("Advance decided %d lt windows, want 500", len(got))
	}
}

func TestPercentileSamplesLargeWindows(t *testing.T) {
	r := rule("r", "id-r")
	c := &sigma.Correlation{Meta: sigma.Meta{Title: "median"}, Type: sigma.ValuePercentile, Rules: []string{"r"},
		Timespan: time.Hour, Field: "n", Condition: sigma.Range{GTE: num(0)}}
	e := mustNew(t, []*sigma.Rule{r}, c)
	var ev event.Event
	const n = 5 * MaxPercentileValues
	for i := range n {
		ev.Reset()
		ev.Time = t0.Add(time.Duration(i) * time.Millisecond)
		ev.Set("n", strconv.Itoa((i*7919)%n)) // 0..n-1 in a scattered order
		e.Observe(r, &ev)
	}
	got := e.Flush()
	if len(got) != 1 {
		t.Fatalf("got %d results, want 1", len(got))
	}
	if want := float64(n-1) / 2; math.Abs(got[0].Value-want) > 0.05*n {
		t.Errorf("sampled median = %v, want within 5%% of %v", got[0].Value, want)
	}
}

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"42", 42, true}, {" -1.5 ", -1.5, true}, {"1e3", 1000, true}, {"0x10", 16, true},
		{"0xffffffffffffffff", 18446744073709551615, true}, {"", 0, false}, {"-", 0, false},
		{"NaN", 0, false}, {"inf", 0, false}, {"1e400", 0, false}, {"12abc", 0, false},
	} {
		got, ok := parseNumber(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPercentile(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{[]float64{5}, 50, 5}, {[]float64{1, 3}, 50, 2}, {[]float64{4, 1, 3, 2}, 50, 2.5},
		{[]float64{1, 2, 3, 4, 5}, 0, 1}, {[]float64{1, 2, 3, 4, 5}, 100, 5}, {[]float64{1, 2, 3, 4, 5}, 25, 2},
	} {
		if got := percentile(tc.xs, tc.p); got != tc.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tc.xs, tc.p, got, tc.want)
		}
	}
}

func TestCondition(t *testing.T) {
	for _, tc := range []struct {
		r     sigma.Range
		all   int
		v     float64
		holds bool
	}{
		{sigma.Range{GT: num(100), LTE: num(200)}, 0, 100, false},
		{sigma.Range{GT: num(100), LTE: num(200)}, 0, 101, true},
		{sigma.Range{GT: num(100), LTE: num(200)}, 0, 200, true},
		{sigma.Range{GT: num(100), LTE: num(200)}, 0, 201, false},
		{sigma.Range{NEQ: num(3)}, 0, 3, false},
		{sigma.Range{EQ: num(3)}, 0, 3, true},
		{sigma.Range{LT: num(3)}, 0, 3, false},
		{sigma.Range{}, 3, 2, false},
		{sigma.Range{}, 3, 3, true},
		{sigma.Range{GTE: num(1)}, 3, 1, true}, // a set bound replaces "all rules"
	} {
		c := newCondition(tc.r, tc.all)
		if got := c.holds(tc.v); got != tc.holds {
			t.Errorf("%s (all %d) holds(%v) = %v, want %v", renderRange(tc.r), tc.all, tc.v, got, tc.holds)
		}
	}
}

// TestAnEventCountsOnce: an event matching two of a correlation's rules
// counts once, whether fed with ObserveAll or with Observe per rule; two
// events that differ only in their fields count twice.
func TestAnEventCountsOnce(t *testing.T) {
	a, b := rule("a", "id-a"), rule("b", "id-b")
	for _, tc := range []struct {
		name string
		feed func(e *Engine, ev *event.Event) []Result
	}{
		{"ObserveAll", func(e *Engine, ev *event.Event) []Result { return e.ObserveAll(ev, []*sigma.Rule{a, b}) }},
		{"Observe", func(e *Engine, ev *event.Event) []Result { return append(e.Observe(a, ev), e.Observe(b, ev)...) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustNew(t, []*sigma.Rule{a, b}, countCorr([]string{"a", "b"}, 2, time.Hour))
			var ev event.Event
			fill := func(user string) {
				ev.Reset()
				ev.Time, ev.Record, ev.Source = t0, 0, "http"
				ev.Set("User", user)
			}
			fill("alice")
			if got := tc.feed(e, &ev); len(got) != 0 {
				t.Fatalf("one event matching both rules gave %d results, want 0", len(got))
			}
			fill("bob") // same Event, time, record and source; other fields
			if got := tc.feed(e, &ev); len(got) != 1 || got[0].Value != 2 {
				t.Fatalf("a second event gave %+v, want one result of 2", got)
			}
		})
	}
}
