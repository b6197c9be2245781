package flow

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

var lims = Key{Listener: "hl7", Host: "LIMS01", Kind: "ORU^R01"}

func TestSilenceThenRecovery(t *testing.T) {
	s := newSim(t, Options{Name: func(Key) string { return "Pathology results feed" }})
	learn := 8 * 24 * time.Hour
	gapFrom := monday.Add(learn + 10*time.Hour)
	rate := silentBetween(steady, gapFrom, gapFrom.Add(45*time.Minute))
	got := s.run(learn+12*time.Hour, map[Key]rateFunc{lims: rate})
	if !equal(kinds(got), []string{KindSilent, KindRecovered}) {
		t.Fatalf("findings %v, want one silent then one recovered: %+v", kinds(got), got)
	}
	f := got[0]
	if f.Key != lims || !f.Since.Before(gapFrom) || f.Since.Before(gapFrom.Add(-time.Minute)) {
		t.Errorf("silent finding %+v: want key %v since just before %v", f, lims, gapFrom)
	}
	want := "Pathology results feed (LIMS01, ORU^R01) silent for "
	if !strings.HasPrefix(f.Message, want) || !strings.Contains(f.Message, "messages in that time on a Tuesday at 09:59") {
		t.Errorf("message %q, want %q... on a Tuesday at 09:59", f.Message, want)
	}
	if f.Expected < 15 || f.Expected > 40 {
		t.Errorf("expected %v events over the silence, want about 2 a minute for 10 to 20 minutes", f.Expected)
	}
	if r := got[1]; !r.Since.Equal(f.Since) || !strings.Contains(r.Message, "back to normal after a silence of") {
		t.Errorf("recovered finding %+v", r)
	}
}

func TestWeeklyPatternLearned(t *testing.T) {
	// Busy in weekday working hours, quieter otherwise, nothing on Sunday
	// night from midnight to 06:00.
	rate := func(t time.Time) int {
		switch {
		case t.Weekday() == time.Sunday && t.Hour() < 6:
			return 0
		case t.Weekday() != time.Saturday && t.Weekday() != time.Sunday && t.Hour() >= 8 && t.Hour() < 18:
			return 10 + t.Minute()%3
		}
		return steady(t)
	}
	s := newSim(t, Options{})
	k := Key{Listener: "syslog", Host: "ward-pc-7"}
	s.run(14*24*time.Hour, map[Key]rateFunc{k: rate})
	if got := s.run(7*24*time.Hour, map[Key]rateFunc{k: rate}); len(got) != 0 {
		t.Fatalf("after two weeks of learning, a normal week raised %d findings: %+v", len(got), got)
	}
	// The same silence on a Tuesday night is reported.
	from := s.now.Add(24*time.Hour + 2*time.Hour) // Tuesday 02:00
	got := s.run(3*24*time.Hour, map[Key]rateFunc{k: silentBetween(rate, from, from.Add(4*time.Hour))})
	if !equal(kinds(got), []string{KindSilent, KindRecovered}) {
		t.Fatalf("Tuesday night silence: findings %v, want silent then recovered: %+v", kinds(got), got)
	}
	if !strings.Contains(got[0].Message, "on a Tuesday at 01:59") {
		t.Errorf("message %q does not name Tuesday 01:59", got[0].Message)
	}
}

func TestSurge(t *testing.T) {
	s := newSim(t, Options{})
	k := Key{Listener: "syslog", Host: "fw01"}
	from := monday.Add(8*24*time.Hour + 14*time.Hour)
	rate := scaledBetween(steady, 25, from, from.Add(40*time.Minute))
	got := s.run(8*24*time.Hour+20*time.Hour, map[Key]rateFunc{k: rate})
	if !equal(kinds(got), []string{KindSurge, KindRecovered}) {
		t.Fatalf("findings %v, want one surge then one recovered: %+v", kinds(got), got)
	}
	if f := got[0]; f.Observed < 5*f.Expected || !strings.Contains(f.Message, "fw01") || !strings.Contains(f.Message, "surging") {
		t.Errorf("surge finding %+v", f)
	}
}

func TestDrop(t *testing.T) {
	s := newSim(t, Options{})
	k := Key{Listener: "hl7", Host: "PAS", Kind: "ADT^A01"}
	from := monday.Add(8*24*time.Hour + 9*time.Hour)
	// A tenth of normal: a trickle, never silent for ten minutes.
	low := func(t time.Time) int {
		if !t.Before(from) && t.Before(from.Add(2*time.Hour)) {
			if t.Minute()%5 == 0 {
				return 1
			}
			return 0
		}
		return 4 * steady(t)
	}
	got := s.run(8*24*time.Hour+14*time.Hour, map[Key]rateFunc{k: low})
	if !equal(kinds(got), []string{KindDrop, KindRecovered}) {
		t.Fatalf("findings %v, want one drop then one recovered: %+v", kinds(got), got)
	}
	if f := got[0]; !strings.Contains(f.Message, "down to") || f.Observed >= 0.2*f.Expected {
		t.Errorf("drop finding %+v", f)
	}
}

func TestTrickleDoesNotFlap(t *testing.T) {
	// Three events a day at irregular times.
	rate := func(t time.Time) int {
		m := t.Hour()*60 + t.Minute()
		d := t.YearDay()
		if m == (d*97)%480 || m == 480+(d*131)%480 || m == 960+(d*53)%480 {
			return 1
		}
		return 0
	}
	s := newSim(t, Options{})
	got := s.run(21*24*time.Hour, map[Key]rateFunc{{Listener: "syslog", Host: "old-xp-box"}: rate})
	if len(got) != 0 {
		t.Fatalf("a trickle source raised %d findings: %+v", len(got), got)
	}
}

func TestManyKeysBounded(t *testing.T) {
	w := New(Options{MaxKeys: 100, Location: time.UTC})
	for i := range 1000 {
		w.Observe(Key{Listener: "syslog", Host: fmt.Sprintf("h%04d", i)}, monday.Add(time.Duration(i)*time.Second), 1)
	}
	src := w.Sources()
	if len(src) > 100 || len(src) < 90 {
		t.Fatalf("%d sources kept, want at most 100 and close to it", len(src))
	}
	if got := w.Evicted(); got != uint64(1000-len(src)) {
		t.Errorf("Evicted() = %d, want %d", got, 1000-len(src))
	}
	if last := src[len(src)-1].Key.Host; last != "h0999" {
		t.Errorf("newest source %q was evicted", last)
	}
	if first := src[0].Key.Host; first < "h0900" {
		t.Errorf("old source %q kept while newer ones were evicted", first)
	}
}

func TestSources(t *testing.T) {
	s := newSim(t, Options{})
	s.run(3*time.Hour, map[Key]rateFunc{lims: steady})
	src := s.w.Sources()
	if len(src) != 1 {
		t.Fatalf("%d sources, want 1", len(src))
	}
	st := src[0]
	if st.Key != lims || st.State != "ok" || st.LastSeen.IsZero() || st.Observed < 50 || st.Expected < 50 || st.Expected > 70 {
		t.Errorf("status %+v, want ok with about 60 observed and expected in 30 minutes", st)
	}
}

func TestObserveDoesNotAllocate(t *testing.T) {
	w := New(Options{Location: time.UTC})
	at := monday
	w.Observe(lims, at, 1)
	allocs := testing.AllocsPerRun(1000, func() {
		at = at.Add(time.Second)
		w.Observe(lims, at, 3)
	})
	if allocs != 0 {
		t.Errorf("Observe allocates %v times per call for a known key", allocs)
	}
}

func TestConcurrentUse(t *testing.T) {
	w := New(Options{Location: time.UTC})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				w.Observe(Key{Listener: "syslog", Host: fmt.Sprint(g)}, monday.Add(time.Duration(i)*time.Second), 1)
			}
		})
	}
	wg.Go(func() {
		for i := range 200 {
			w.Check(monday.Add(time.Duration(i) * 10 * time.Second))
			w.Sources()
		}
	})
	wg.Wait()
	if len(w.Sources()) != 4 {
		t.Errorf("%d sources, want 4", len(w.Sources()))
	}
}
