package detect

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// fakeRule is a detector whose detection is "one of its literals occurs"
// (checked naively), optionally narrowed by extra, so the test knows
// exactly which rules the prefilter must mark.
type fakeRule struct {
	src   sigma.LogSource
	req   []sigma.Literal
	extra func(ev *event.Event) bool // nil: no further condition
}

func (f *fakeRule) Source() sigma.LogSource   { return f.src }
func (f *fakeRule) Required() []sigma.Literal { return f.req }

func (f *fakeRule) Match(ev *event.Event) bool {
	if f.extra != nil && !f.extra(ev) {
		return false
	}
	if len(f.req) == 0 {
		return true
	}
	return literalsOccur(ev, f.req)
}

// literalsOccur reports naively whether one of req occurs in the
// lower-cased values of ev, per the sigma.Rule.Required contract.
func literalsOccur(ev *event.Event, req []sigma.Literal) bool {
	for _, l := range req {
		for i := 0; i < ev.Len(); i++ {
			id, _ := ev.Field(i)
			if (l.Field == 0 || l.Field == id) && strings.Contains(ev.Lower(i), l.Text) {
				return true
			}
		}
	}
	return false
}

// bruteForce is the reference: every detector whose log source applies and
// whose Match holds.
func bruteForce(dets []detector, ev *event.Event) []int32 {
	AddAliases(ev)
	src := Classify(ev)
	var out []int32
	for r, d := range dets {
		if d != nil && src.Matches(d.Source()) && d.Match(ev) {
			out = append(out, int32(r))
		}
	}
	return out
}

var (
	testFields  = []string{"Image", "CommandLine", "ParentImage", "Data", "TargetObject", "Details"}
	testSources = []sigma.LogSource{
		{},
		{Product: "windows"},
		{Product: "windows", Category: "process_creation"},
		{Product: "windows", Category: "registry_set"},
		{Product: "windows", Category: "registry_event"},
		{Product: "windows", Service: "sysmon"},
		{Product: "windows", Service: "security"},
		{Product: "linux", Service: "auditd"},
		{Category: "proxy"},
		{Category: "process_creation"},
	}
	testChannels = []struct{ channel, id string }{
		{chSysmon, "1"}, {chSysmon, "13"}, {chSysmon, "12"}, {"Security", "4688"}, {"Security", "4624"},
		{"Microsoft-Windows-Foo/Operational", "7"}, {"", ""},
	}
	testDeclared = []event.LogSource{{Product: "linux", Service: "auditd"}, {Category: "proxy"}, {Product: "windows"}}
	// testWords mixes case, a Kelvin sign (lower-cases to k), a dotted
	// capital I (lower-cases to i plus a combining dot) and other non-ASCII.
	testWords = []string{"cmd", "CMD.EXE", `\temp\`, "powershell", "-enc", "k", "\u212a", "İ", "ä", "Ä", "run", "x", "whoami", "reg"}
)

func randomValue(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(6) {
		b.WriteString(testWords[r.IntN(len(testWords))])
		if r.IntN(2) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func randomRules(r *rand.Rand, n int) []detector {
	dets := make([]detector, n)
	for i := range dets {
		if r.IntN(40) == 0 {
			continue // a nil entry
		}
		f := &fakeRule{src: testSources[r.IntN(len(testSources))]}
		switch r.IntN(10) {
		case 0: // no literals: always evaluated
		case 1: // an empty literal: also always evaluated
			f.req = []sigma.Literal{{Field: event.Intern("Image"), Text: ""}}
		default:
			for range 1 + r.IntN(3) {
				l := sigma.Literal{Text: event.ToLowerASCII(testWords[r.IntN(len(testWords))])}
				if r.IntN(4) > 0 {
					l.Field = event.Intern(testFields[r.IntN(len(testFields))])
				}
				f.req = append(f.req, l)
			}
		}
		if r.IntN(3) == 0 {
			f.extra = func(ev *event.Event) bool { return ev.Len()%2 == 0 }
		}
		dets[i] = f
	}
	return dets
}

func randomEvent(r *rand.Rand) *event.Event {
	ev := &event.Event{}
	if r.IntN(5) == 0 {
		ev.LogSource = testDeclared[r.IntN(len(testDeclared))]
	}
	ch := testChannels[r.IntN(len(testChannels))]
	if ch.channel != "" {
		ev.Add(event.Channel, ch.channel)
		ev.Add(event.EventID, ch.id)
	}
	for range r.IntN(8) {
		ev.Set(testFields[r.IntN(len(testFields))], randomValue(r))
	}
	if ch.id == "4688" && r.IntN(2) == 0 {
		ev.Set("NewProcessName", randomValue(r))
	}
	return ev
}

// TestEngineEqualsBruteForce runs random rules over random events and
// checks that the engine returns exactly what brute force returns, and
// that the prefilter marks exactly the rules whose literals occur.
func TestEngineEqualsBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for round := range 40 {
		dets := randomRules(r, 1+r.IntN(60))
		e := newEngine(dets)
		s := newScratch(e)
		for range 200 {
			ev := randomEvent(r)
			want := bruteForce(dets, ev.Clone())
			got := slices.Clone(e.match(ev, s))
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, event %v (%+v): engine %v, brute force %v", round, ev.Map(), ev.LogSource, got, want)
			}
			checkMarks(t, dets, e, s, ev)
		}
	}
}

// checkMarks compares the prefilter's marks after a match with the rules
// whose literals occur; it only applies when the prefilter ran.
func checkMarks(t *testing.T, dets []detector, e *engine, s *Scratch, ev *event.Event) {
	t.Helper()
	if !scanned(e, s, ev) {
		return
	}
	c := e.candidatesOf(ev, s)
	for r, d := range dets {
		if !c.has(int32(r)) {
			continue
		}
		want := literalsOccur(ev, d.Required())
		if got := s.ruleMark[r] == s.gen; got != want {
			t.Fatalf("rule %d literals %v on %v: marked %v, want %v", r, d.Required(), ev.Map(), got, want)
		}
	}
}

func scanned(e *engine, s *Scratch, ev *event.Event) bool { return e.candidatesOf(ev, s).scan }

func TestScratchGenerationWrap(t *testing.T) {
	dets := []detector{&fakeRule{req: []sigma.Literal{{Text: "needle"}}}}
	e := newEngine(dets)
	s := newScratch(e)
	hit, miss := &event.Event{}, &event.Event{}
	hit.Set("Data", "a NEEDLE here")
	miss.Set("Data", "nothing")
	if got := e.match(hit, s); len(got) != 1 {
		t.Fatalf("match = %v, want rule 0", got)
	}
	s.gen = ^uint32(0) // the next event wraps the counter
	if got := e.match(miss, s); len(got) != 0 {
		t.Fatalf("after wrap, stale mark matched: %v", got)
	}
	if got := e.match(hit, s); len(got) != 1 {
		t.Fatalf("after wrap, match = %v, want rule 0", got)
	}
}

func TestScratchFromOtherMatcherPanics(t *testing.T) {
	a, b := newEngine(nil), newEngine(nil)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a Scratch of another engine")
		}
	}()
	a.match(&event.Event{}, newScratch(b))
}

func TestDeclaredCacheBounded(t *testing.T) {
	dets := []detector{&fakeRule{src: sigma.LogSource{Product: "p5"}}}
	e := newEngine(dets)
	s := newScratch(e)
	for i := range 3 * maxDeclared {
		ev := &event.Event{LogSource: event.LogSource{Product: fmt.Sprintf("p%d", i%(2*maxDeclared))}}
		got := e.match(ev, s)
		if want := i%(2*maxDeclared) == 5; (len(got) == 1) != want {
			t.Fatalf("product p%d: match = %v", i, got)
		}
	}
	if len(s.declared) > maxDeclared {
		t.Fatalf("declared cache holds %d entries, bound %d", len(s.declared), maxDeclared)
	}
}

// TestMatchDoesNotAllocate checks the zero-allocation promise with a warm
// Scratch, on events of every kind (declared, Windows, keyword hits).
func TestMatchDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	dets := randomRules(r, 200)
	e := newEngine(dets)
	s := newScratch(e)
	events := make([]*event.Event, 50)
	for i := range events {
		events[i] = randomEvent(r)
		e.match(events[i], s) // warm: aliases, lower-case caches, declared cache
	}
	allocs := testing.AllocsPerRun(20, func() {
		for _, ev := range events {
			e.match(ev, s)
		}
	})
	if allocs != 0 {
		t.Fatalf("match allocates %.1f times per 50 events", allocs)
	}
}
