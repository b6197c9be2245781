package correlate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// restart carries e's state into a fresh engine built from the same
// definitions, as a restarted service does.
func restart(t *testing.T, e *Engine, rules []*sigma.Rule, corrs []*sigma.Correlation) *Engine {
	t.Helper()
	b, err := e.MarshalState()
	if err != nil {
		t.Fatalf("MarshalState: %v", err)
	}
	fresh, _ := New(rules, corrs) // refused correlations are refused again
	dropped, err := fresh.UnmarshalState(b)
	if err != nil || len(dropped) > 0 {
		t.Fatalf("UnmarshalState: dropped %v, %v", dropped, err)
	}
	if got, want := fresh.Stats().Windows, e.Stats().Windows; got != want {
		t.Fatalf("restored %d windows, the engine had %d", got, want)
	}
	again, err := fresh.MarshalState()
	if err != nil || string(again) != string(b) {
		t.Fatalf("the restored engine encodes differently (%d bytes, was %d): %v", len(again), len(b), err)
	}
	return fresh
}

// playSplit plays s, restarting the engine before step k (never when k is
// out of range), and renders every result, the Flush at the end included.
func (s *scenario) playSplit(t *testing.T, k int) string {
	t.Helper()
	e, _ := New(s.rules, s.corrs)
	byName := map[string]*sigma.Rule{}
	for _, r := range s.rules {
		byName[r.Name] = r
	}
	var b strings.Builder
	var ev event.Event
	for i, step := range s.steps {
		if i == k {
			e = restart(t, e, s.rules, s.corrs)
		}
		fmt.Fprintf(&b, "%s\n", step)
		for _, r := range s.play(t, e, &ev, byName, i+1, step) {
			fmt.Fprintf(&b, "  => %s\n", render(r))
		}
	}
	if k == len(s.steps) {
		e = restart(t, e, s.rules, s.corrs)
	}
	b.WriteString("end\n")
	for _, r := range e.Flush() {
		fmt.Fprintf(&b, "  => %s\n", render(r))
	}
	return b.String()
}

// TestStateSplitGolden plays every golden and specification case with a
// restart before each step in turn: the results must be those of one
// uninterrupted engine. Together the cases cover all seven types, sliding
// and closing windows, chains, aliases and late events.
func TestStateSplitGolden(t *testing.T) {
	all := maps.Clone(scenarios)
	for name, s := range specScenarios(t) {
		all["spec_yaml_"+name] = s
	}
	types := map[sigma.CorrelationType]bool{}
	for name, s := range all {
		for _, c := range s.corrs {
			if _, known := kinds[c.Type]; known {
				types[c.Type] = true
			}
		}
		t.Run(name, func(t *testing.T) {
			want := s.playSplit(t, -1)
			for k := 0; k <= len(s.steps); k++ {
				if got := s.playSplit(t, k); got != want {
					t.Fatalf("restart before step %d changes the results:\n%s\nwithout a restart:\n%s", k+1, got, want)
				}
			}
		})
	}
	if len(types) != len(fuzzTypes) {
		t.Errorf("the cases cover %d correlation types, want %d", len(types), len(fuzzTypes))
	}
}

// playFuzz plays a fuzzSetup's event sequence from data, restarting the
// engine before operation split (never when split < 0), and renders the
// results.
func playFuzz(t *testing.T, data []byte, split int) string {
	t.Helper()
	in := &fuzzInput{b: data}
	s := newFuzzSetup(in)
	e, err := New(s.rules, s.corrs)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var b strings.Builder
	emit := func(rs []Result) {
		for _, r := range rs {
			b.WriteString(render(r) + "\n")
		}
	}
	at := t0
	var ev event.Event
	for op := 0; in.more(); op++ {
		if op == split {
			e = restart(t, e, s.rules, s.corrs)
		}
		code, step, group, val := in.next(), in.next(), in.next(), in.next()
		delta := time.Duration(step) * 7 * time.Second
		if s.backwards && step&1 != 0 {
			delta = -delta / 3
		}
		at = at.Add(delta)
		if code&3 == 3 {
			emit(e.Advance(at))
			continue
		}
		ev.Reset()
		ev.Time, ev.Record, ev.Source = at, uint64(op+1), "fuzz"
		ev.Set("G", fmt.Sprint(group%3))
		ev.Set("V", fmt.Sprint(val%50-10))
		if val&1 != 0 {
			ev.Set("W", fmt.Sprint(val%3))
		}
		if s.all && code&0x80 != 0 {
			emit(e.ObserveAll(&ev, []*sigma.Rule{s.rules[(code>>2)%3], s.rules[(code>>4)%3]}))
		} else {
			emit(e.Observe(s.rules[(code>>2)%3], &ev))
		}
	}
	emit(e.Flush())
	return b.String()
}

// TestStateSplitRandom is the split property over random setups and event
// sequences: every type, with and without an outer correlation, group-by,
// late events and events matching two rules.
func TestStateSplitRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		data := make([]byte, 6+4*(10+rng.IntN(40)))
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		data[0] = byte(i % len(fuzzTypes)) // every type in turn
		want := playFuzz(t, data, -1)
		for _, k := range []int{0, 1 + rng.IntN(5), rng.IntN(50), 1000} {
			if got := playFuzz(t, data, k); got != want {
				t.Fatalf("case %d (%x): restart before operation %d changes the results:\n%s\nwithout:\n%s", i, data, k, got, want)
			}
		}
	}
}

// FuzzStateSplit fuzzes the split property: the first byte picks where the
// engine restarts.
func FuzzStateSplit(f *testing.F) {
	f.Add([]byte{3, 0, 0, 3, 2, 1, 0, 0, 10, 1, 5, 0, 10, 1, 5, 0, 10, 1, 5, 3, 200})
	f.Add([]byte{2, 3, 7, 0, 4, 2, 3, 0, 5, 0, 1, 4, 5, 0, 1, 8, 5, 0, 1, 0, 1, 0, 1})
	f.Add([]byte{1, 6, 6, 1, 2, 0x42, 0, 0, 1, 2, 3, 0, 1, 2, 9, 0, 1, 2, 27})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		split, rest := int(data[0]), data[1:]
		if got, want := playFuzz(t, rest, split), playFuzz(t, rest, -1); got != want {
			t.Fatalf("restart before operation %d changes the results:\n%s\nwithout:\n%s", split, got, want)
		}
	})
}

// stateFixture is an engine holding windows of every kind of state: sliding
// and closing, value_count values, numbers, temporal slots and a chain.
func stateFixture(t testing.TB) (*Engine, []*sigma.Rule, []*sigma.Correlation) {
	t.Helper()
	s := scenarios["spec_failed_then_success"]
	rules := []*sigma.Rule{rule("a", "ida"), rule("b", "idb")}
	corrs := []*sigma.Correlation{
		countCorr([]string{"a"}, 100, time.Hour, "User"),
		{Meta: sigma.Meta{ID: "vc", Title: "values"}, Type: sigma.ValueCount, Rules: []string{"a"},
			GroupBy: []string{"User"}, Timespan: time.Hour, Field: "Host", Condition: sigma.Range{GTE: num(50)}},
		{Meta: sigma.Meta{Name: "avg", Title: "avg"}, Type: sigma.ValueAvg, Rules: []string{"a", "b"},
			GroupBy: []string{"User"}, Timespan: time.Hour, Field: "N", Condition: sigma.Range{GT: num(1e9)}},
		{Meta: sigma.Meta{Title: "ordered"}, Type: sigma.TemporalOrdered, Rules: []string{"a", "b", "a"},
			GroupBy: []string{"User"}, Timespan: time.Hour},
	}
	corrs = append(corrs, s.corrs...)
	rules = append(rules, s.rules...)
	e := mustNew(t, rules, corrs...)
	var ev event.Event
	for i := range 20 {
		ev.Reset()
		ev.Time, ev.Record, ev.Source = t0.Add(time.Duration(i)*time.Second), uint64(i+1), "fixture"
		ev.Set("User", fmt.Sprint("u", i%3))
		ev.Set("Host", fmt.Sprint("h", i%5))
		ev.Set("N", fmt.Sprint(i))
		e.ObserveAll(&ev, []*sigma.Rule{rules[i%2], specFailedLogin})
	}
	if e.Stats().Windows < 10 {
		t.Fatalf("fixture holds %d windows", e.Stats().Windows)
	}
	return e, rules, corrs
}

func TestStateDropsChangedCorrelations(t *testing.T) {
	e, rules, corrs := stateFixture(t)
	b, err := e.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	changed := *corrs[1]
	changed.Condition = sigma.Range{GTE: num(60)}
	described := *corrs[2]
	described.Description, described.Generate = "reworded", true
	tests := []struct {
		name  string
		corrs []*sigma.Correlation
		want  []string
	}{
		{"same rules", corrs, nil},
		{"one removed", slices.Delete(slices.Clone(corrs), 3, 4), []string{"ordered: no longer loaded"}},
		{"condition changed", []*sigma.Correlation{corrs[0], &changed, corrs[2], corrs[3], corrs[4], corrs[5]}, []string{"vc: definition changed"}},
		{"description and generate changed", []*sigma.Correlation{corrs[0], corrs[1], &described, corrs[3], corrs[4], corrs[5]}, nil},
		{"none loaded", nil, []string{"count: no longer loaded", "vc: no longer loaded", "avg: no longer loaded", "ordered: no longer loaded",
			specBruteForce()[1].ID + ": no longer loaded", specBruteForce()[0].ID + ": no longer loaded"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fresh := mustNew(t, rules, tc.corrs...)
			dropped, err := fresh.UnmarshalState(b)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(dropped) != fmt.Sprint(tc.want) {
				t.Errorf("dropped %q, want %q", dropped, tc.want)
			}
			kept := 0
			for _, c := range fresh.corrs {
				kept += len(c.groups)
				if old := e.byCorr[c.def]; old != nil && !slices.Contains(dropped, corrRef(c.def)+": definition changed") && len(c.groups) != len(old.groups) {
					t.Errorf("%s: %d windows restored, had %d", c.def.Title, len(c.groups), len(old.groups))
				}
			}
			if kept != fresh.Stats().Windows {
				t.Errorf("Stats().Windows %d, %d windows held", fresh.Stats().Windows, kept)
			}
		})
	}
}

// withChecksum replaces the last four bytes of b with the checksum of the
// rest, so that a test reaches the decoder behind the checksum.
func withChecksum(b []byte) []byte {
	body := b[:len(b)-4]
	return binary.LittleEndian.AppendUint32(body[:len(body):len(body)], crc32.Checksum(body, castagnoli))
}

func TestStateErrorsNameTheOffset(t *testing.T) {
	e, rules, corrs := stateFixture(t)
	good, err := e.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(slices.Clone(good)) }
	tests := []struct {
		name    string
		in      []byte
		offset  int
		wantErr string
		is      error
	}{
		{"empty", nil, 0, "too short", errTruncated},
		{"flipped bit", edit(func(b []byte) []byte { b[20] ^= 1; return b }), len(good) - 4, "checksum", nil},
		{"cut short", withChecksum(good[:len(good)/2]), -1, "", nil},
		{"not a state", withChecksum([]byte("JSON{}00000")), 0, "does not start", nil},
		{"newer version", withChecksum(edit(func(b []byte) []byte { b[4] = StateVersion + 1; return b })), 4, "version 2", ErrStateVersion},
		{"trailing bytes", withChecksum(append(slices.Clone(good[:len(good)-4]), 0, 0, 0, 0, 0)), len(good) - 4, "after the last correlation", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fresh := mustNew(t, rules, corrs...)
			_, err := fresh.UnmarshalState(tc.in)
			var se *StateError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *StateError", err)
			}
			if tc.offset >= 0 && se.Offset != tc.offset {
				t.Errorf("offset %d, want %d (%v)", se.Offset, tc.offset, err)
			}
			if se.Offset < 0 || se.Offset > len(tc.in) {
				t.Errorf("offset %d outside the %d bytes", se.Offset, len(tc.in))
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), fmt.Sprintf("byte offset %d", se.Offset)) {
				t.Errorf("error %q lacks %q or its offset", err, tc.wantErr)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			if fresh.Stats().Windows != 0 {
				t.Errorf("a failed restore left %d windows", fresh.Stats().Windows)
			}
		})
	}
}

// TestStateFailedRestoreKeepsTheEngine checks that an error leaves the
// engine's own windows alone.
func TestStateFailedRestoreKeepsTheEngine(t *testing.T) {
	e, _, _ := stateFixture(t)
	before, _ := e.MarshalState()
	bad := withChecksum(append(slices.Clone(before[:len(before)-4]), 1, 2, 3, 4, 5))
	if _, err := e.UnmarshalState(bad); err == nil {
		t.Fatal("UnmarshalState took trailing bytes")
	}
	after, _ := e.MarshalState()
	if string(before) != string(after) {
		t.Error("a failed UnmarshalState changed the engine")
	}
}

// FuzzUnmarshalState decodes damaged states (with a valid checksum, so that
// the decoder itself is reached): it must fail cleanly or give an engine
// that encodes canonically and runs events and Flush without panicking.
func FuzzUnmarshalState(f *testing.F) {
	e, rules, corrs := stateFixture(f)
	good, err := e.MarshalState()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good[:len(good)-4])
	empty, _ := mustNew(f, rules, corrs...).MarshalState()
	f.Add(empty[:len(empty)-4])
	f.Fuzz(func(t *testing.T, body []byte) {
		in := withChecksum(append(slices.Clone(body), 0, 0, 0, 0))
		fresh, _ := New(rules, corrs)
		if _, err := fresh.UnmarshalState(in); err != nil {
			var se *StateError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(in) {
				t.Fatalf("error %v: want a *StateError with an offset within the input", err)
			}
			return
		}
		once, _ := fresh.MarshalState()
		again := restart(t, fresh, rules, corrs)
		twice, _ := again.MarshalState()
		if string(once) != string(twice) {
			t.Fatal("a restored state does not encode the same twice")
		}
		var ev event.Event
		for i := range 5 {
			ev.Reset()
			ev.Time, ev.Record = t0.Add(time.Duration(i)*time.Minute), uint64(i)
			ev.Set("User", "u1")
			ev.Set("Host", "h1")
			ev.Set("N", "3")
			again.ObserveAll(&ev, []*sigma.Rule{rules[i%2], specFailedLogin, specSuccessLogin})
		}
		again.Advance(t0.Add(48 * time.Hour))
		again.Flush()
	})
}
