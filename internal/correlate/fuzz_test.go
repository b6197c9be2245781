package correlate

import (
	"strconv"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// fuzzInput reads a correlation and an event sequence from fuzz bytes; it
// reads zeros once the bytes run out.
type fuzzInput struct {
	b []byte
	i int
}

func (f *fuzzInput) next() int {
	if f.i >= len(f.b) {
		return 0
	}
	f.i++
	return int(f.b[f.i-1])
}

func (f *fuzzInput) more() bool { return f.i < len(f.b) }

var fuzzTypes = []sigma.CorrelationType{
	sigma.EventCount, sigma.ValueCount, sigma.Temporal, sigma.TemporalOrdered,
	sigma.ValueSum, sigma.ValueAvg, sigma.ValuePercentile,
}

func fuzzRange(sel, k int) sigma.Range {
	x, y := float64(k), float64(k+2)
	switch sel % 8 {
	case 0:
		return sigma.Range{GTE: &x}
	case 1:
		return sigma.Range{GT: &x}
	case 2:
		return sigma.Range{LT: &x}
	case 3:
		return sigma.Range{LTE: &x}
	case 4:
		return sigma.Range{EQ: &x}
	case 5:
		return sigma.Range{NEQ: &x}
	case 6:
		return sigma.Range{GT: &x, LTE: &y}
	}
	return sigma.Range{}
}

// fuzzSetup is one correlation over up to three rules, maybe with an outer
// event_count over it.
type fuzzSetup struct {
	rules     []*sigma.Rule
	corr      *sigma.Correlation
	corrs     []*sigma.Correlation
	backwards bool // events may go back in time
	all       bool // an event may match two rules, fed with ObserveAll
}

func newFuzzSetup(in *fuzzInput) fuzzSetup {
	rules := []*sigma.Rule{rule("r0", "id0"), rule("r1", "id1"), rule("r2", "id2")}
	typ := fuzzTypes[in.next()%len(fuzzTypes)]
	cond := fuzzRange(in.next(), in.next()%6)
	if cond == (sigma.Range{}) && typ != sigma.Temporal && typ != sigma.TemporalOrdered {
		cond = fuzzRange(0, 1)
	}
	span := time.Duration(in.next()%10+1) * time.Minute
	flags := in.next()
	refs := []string{"r0", "r1", "r2", "r0"}[:in.next()%4+1]
	c := &sigma.Correlation{
		Meta: sigma.Meta{Name: "inner", Title: "fuzzed " + string(typ)}, Type: typ, Rules: refs,
		Timespan: span, Condition: cond, Field: "V", Generate: flags&8 != 0,
	}
	if flags&1 != 0 {
		c.GroupBy = []string{"G"}
	}
	if flags&16 != 0 && typ == sigma.ValueCount {
		c.Fields = []string{"V", "W"}
	}
	s := fuzzSetup{rules: rules, corr: c, corrs: []*sigma.Correlation{c}, backwards: flags&4 != 0, all: flags&64 != 0}
	if flags&2 != 0 {
		outer := fuzzRange(0, 2)
		if flags&32 != 0 {
			outer = fuzzRange(2, 3) // lt: decided when its window closes
		}
		s.corrs = append(s.corrs, &sigma.Correlation{
			Meta: sigma.Meta{Title: "outer"}, Type: sigma.EventCount, Rules: []string{"inner"},
			GroupBy: c.GroupBy, Timespan: 2 * span, Condition: outer,
		})
	}
	return s
}

// modelled reports whether countModel predicts the setup's results.
func (s *fuzzSetup) modelled() bool {
	c := s.corr
	return c.Type == sigma.EventCount && len(s.corrs) == 1 && len(c.Rules) == 1 && !s.backwards && !s.all &&
		c.Condition.LT == nil && c.Condition.LTE == nil && c.Condition.EQ == nil && c.Condition.NEQ == nil
}

// countModel is a plain reading of a sliding event_count: per group, the
// times since the last result; a result when the condition holds.
type countModel struct {
	c     *sigma.Correlation
	times map[string][]time.Time
}

func (m *countModel) observe(group string, at time.Time) (float64, bool) {
	kept := m.times[group][:0]
	for _, t := range m.times[group] {
		if !t.Before(at.Add(-m.c.Timespan)) {
			kept = append(kept, t)
		}
	}
	kept = append(kept, at)
	if v := float64(len(kept)); holds(m.c, v) {
		delete(m.times, group)
		return v, true
	}
	m.times[group] = kept
	return 0, false
}

func FuzzObserve(f *testing.F) {
	f.Add([]byte{0, 0, 3, 2, 1, 0, 0, 10, 1, 5, 0, 10, 1, 5, 0, 10, 1, 5, 3, 200})
	f.Add([]byte{2, 7, 0, 4, 3, 2, 0, 5, 0, 1, 4, 5, 0, 1, 8, 5, 0, 1})
	f.Add([]byte{3, 7, 0, 4, 2, 3, 0, 5, 0, 1, 4, 5, 0, 1, 8, 5, 0, 1, 0, 1, 0, 1})
	f.Add([]byte{4, 1, 5, 1, 0, 0, 0, 1, 0, 200, 0, 1, 0, 100, 0, 1, 0, 30})
	f.Add([]byte{5, 2, 3, 9, 1, 0, 0, 50, 1, 20, 3, 255, 1, 1, 0, 50, 1, 240})
	f.Add([]byte{6, 6, 1, 2, 5, 0, 0, 1, 2, 3, 0, 1, 2, 9, 0, 1, 2, 27})
	f.Add([]byte{1, 0, 2, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 2, 0, 1, 1, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &fuzzInput{b: data}
		s := newFuzzSetup(in)
		e, err := New(s.rules, s.corrs)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		var model *countModel
		if s.modelled() {
			model = &countModel{c: s.corr, times: map[string][]time.Time{}}
		}
		at := t0
		var ev event.Event
		for record := uint64(1); in.more(); record++ {
			op, step, group, val := in.next(), in.next(), in.next(), in.next()
			delta := time.Duration(step) * 7 * time.Second
			if s.backwards && step&1 != 0 {
				delta = -delta / 3
			}
			at = at.Add(delta)
			if op&3 == 3 {
				for _, r := range e.Advance(at) {
					checkResult(t, r)
				}
				continue
			}
			ev.Reset()
			ev.Time, ev.Record, ev.Source = at, record, "fuzz"
			g := strconv.Itoa(group % 3)
			ev.Set("G", g)
			if val < 200 {
				ev.Set("V", strconv.Itoa(val%50-10))
			} else if val < 250 {
				ev.Set("V", "not a number")
			}
			if val&1 != 0 {
				ev.Set("W", strconv.Itoa(val%3))
			}
			var got []Result
			if s.all && op&0x80 != 0 {
				got = e.ObserveAll(&ev, []*sigma.Rule{s.rules[(op>>2)%3], s.rules[(op>>4)%3]})
			} else {
				got = e.Observe(s.rules[(op>>2)%3], &ev)
			}
			for _, r := range got {
				checkResult(t, r)
			}
			if model != nil && (op>>2)%3 == 0 {
				if len(s.corr.GroupBy) == 0 {
					g = ""
				}
				want, ok := model.observe(g, at)
				if ok != (len(got) == 1) || len(got) > 1 || (ok && got[0].Value != want) {
					t.Fatalf("event %d at %v group %q: got %+v, model says %v (%v)", record, at.Sub(t0), g, got, want, ok)
				}
			}
		}
		for _, r := range e.Flush() {
			checkResult(t, r)
		}
		if n := e.Stats().Windows; n != 0 {
			t.Fatalf("after Flush %d windows are open", n)
		}
	})
}
