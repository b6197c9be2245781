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

// TestScenarioLinkingFields checks that what links each attack's hosts is in
// the events, as a real log would have it: each worm victim after the first
// logs an anonymous network logon from the previous victim's address; each
// PsExec target a network logon from the EPR server; each Qilin workstation
// runs the logon script from the GPO whose change the DC logs.
func TestScenarioLinkingFields(t *testing.T) {
	start := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	tr := NewTrust(1)
	has := func(sc *Scenario, host string, match func(f map[string]any) bool) bool {
		for _, ev := range sc.Events() {
			if strings.EqualFold(ev.Host, host) && match(ev.Fields) {
				return true
			}
		}
		return false
	}
	logonFrom := func(ip string) func(map[string]any) bool {
		return func(f map[string]any) bool {
			return f["EventID"] == 4624 && f["LogonType"] == 3 && f["IpAddress"] == ip
		}
	}
	wc, _ := tr.Scenario("wannacry", start, 1)
	victims := []string{"WARD3-PC04", "WARD3-PC02", "RAD-PC02"}
	for i, v := range victims[1:] {
		if !has(wc, tr.Host(v).FQDN(), logonFrom(addr(tr.Host(victims[i])))) {
			t.Errorf("wannacry: %s logs no network logon from %s's address %s", v, victims[i], addr(tr.Host(victims[i])))
		}
	}
	lb, _ := tr.Scenario("lockbit", start, 1)
	for _, target := range []string{"PAS-SRV01", "LIMS-SRV01"} {
		if !has(lb, tr.Host(target).FQDN(), logonFrom(addr(tr.Host("EPR-SRV01")))) {
			t.Errorf("lockbit: %s logs no network logon from the EPR server", target)
		}
	}
	ql, _ := tr.Scenario("qilin", start, 1)
	gpo := strings.ToLower(qilinGPO)
	if !has(ql, tr.Host("DC01").FQDN(), func(f map[string]any) bool {
		dn, _ := f["ObjectDN"].(string)
		return strings.Contains(strings.ToLower(dn), gpo)
	}) {
		t.Error("qilin: the DC logs no change of the GPO")
	}
	for _, ws := range []string{"WARD2-PC03", "WARD5-PC01"} {
		if !has(ql, tr.Host(ws).FQDN(), func(f map[string]any) bool {
			cl, _ := f["CommandLine"].(string)
			return strings.Contains(strings.ToLower(cl), `\policies\`+gpo+`\`)
		}) {
			t.Errorf("qilin: %s runs no script from the changed GPO", ws)
		}
	}
}
