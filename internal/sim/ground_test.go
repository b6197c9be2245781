package sim

import (
	"context"
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/rules"
)

// packIDs reads the id of every rule in Vigil's own pack.
func packIDs(t *testing.T) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	idLine := regexp.MustCompile(`(?m)^id:\s*(\S+)`)
	err := fs.WalkDir(rules.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yml") {
			return err
		}
		data, err := fs.ReadFile(rules.FS, path)
		if m := idLine.FindSubmatch(data); err == nil && m != nil {
			ids[string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestGroundTruthNamesPackRules(t *testing.T) {
	ids := packIDs(t)
	if len(ids) < 20 {
		t.Fatalf("found %d rule ids in the pack", len(ids))
	}
	start := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for _, name := range Scenarios() {
		sc, err := NewTrust(1).Scenario(name, start, 1)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Incidents < 1 || sc.Title == "" {
			t.Errorf("%s: title %q, incidents %d", name, sc.Title, sc.Incidents)
		}
		for _, st := range sc.Stages {
			if len(st.Events) == 0 || st.Note == "" {
				t.Errorf("%s / %s: %d events, note %q", name, st.Name, len(st.Events), st.Note)
			}
			for _, id := range st.Expect {
				if !ids[id] {
					t.Errorf("%s / %s expects rule %s, which is not in the pack", name, st.Name, id)
				}
			}
			for _, ev := range st.Events {
				if ev.Time.Before(start) {
					t.Errorf("%s / %s: event at %v before the start", name, st.Name, ev.Time)
				}
			}
		}
	}
}

func TestScenarioErrorsAndSpeed(t *testing.T) {
	tr := NewTrust(1)
	start := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		speed float64
	}{{"nosuch", 1}, {"wannacry", 0}, {"qilin", -2}} {
		if _, err := tr.Scenario(tc.name, start, tc.speed); err == nil {
			t.Errorf("Scenario(%q, speed %v): no error", tc.name, tc.speed)
		}
	}
	slow, _ := tr.Scenario("lockbit", start, 1)
	fast, _ := tr.Scenario("lockbit", start, 60)
	if got, want := fast.End().Sub(start), slow.End().Sub(start)/60; got < want-time.Second || got > want+time.Second {
		t.Errorf("at speed 60 the attack lasts %v, want about %v", got, want)
	}
}

func TestPlayStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	p := &Player{URL: "http://127.0.0.1:1", Token: "x"}
	far := []Event{{Time: time.Now().Add(time.Hour), Fields: map[string]any{"EventID": 1}}}
	began := time.Now()
	err := p.Play(ctx, func(yield func(Event) bool) { yield(far[0]) })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(began) > 5*time.Second {
		t.Fatalf("Play returned %v after %v, want the context's error at once", err, time.Since(began))
	}
}
