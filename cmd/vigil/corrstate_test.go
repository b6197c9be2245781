package main

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCorrelationSurvivesKill sends the first part of a correlation's
// events, kills `vigil serve` with SIGKILL once they are processed, and
// sends the rest after a restart; then kills it again and restarts it with
// no new events. The alerts must be those of one uninterrupted run: the
// correlation fires, once, and no alert is listed twice. The snapshot is
// saved only at the first commit, so the restart also replays committed
// records into the windows.
func TestCorrelationSurvivesKill(t *testing.T) {
	t.Setenv("VIGIL_CORRELATION_SNAPSHOT_EVERY", "1h")
	bin := buildVigil(t)
	for _, tc := range []struct{ folder, corrID string }{
		{"mr_failed_logon_burst_one_account", "dcc9e175-7e74-4d92-a7d5-3bde54a9d8c0"},
		{"mr_ransomware_precursors_one_host", "5974d898-99f9-4ac0-b2f5-798ceb4feb5c"},
	} {
		t.Run(tc.folder, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "rules", "testdata", tc.folder, "sequence.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			want := runAlerts(t, bin, t.TempDir(), lines)
			if !slices.ContainsFunc(slices.Collect(maps.Values(want)), func(a ruleAlert) bool { return a.RuleID == tc.corrID }) {
				t.Fatalf("an uninterrupted run raised no %s alert: %v", tc.corrID, want)
			}
			dir := t.TempDir()
			third := len(lines) / 3
			p := startVigil(t, bin, dir, "")
			sendAll(t, p, lines[:third])
			sendAll(t, p, lines[third:2*third])
			p.kill(t)
			p = startVigil(t, bin, dir, "")
			sendAll(t, p, lines[2*third:])
			checkAlerts(t, p, want, "after a kill")
			p.kill(t)
			p = startVigil(t, bin, dir, "")
			checkAlerts(t, p, want, "after a second kill with no new events")
			p.stop(t)
		})
	}
}

// ruleAlert is what the test compares of an alert.
type ruleAlert struct {
	RuleID string `json:"rule_id"`
	Count  int    `json:"count"`
}

// runAlerts sends lines to a fresh service and returns its alerts by id.
func runAlerts(t *testing.T, bin, dir string, lines []string) map[string]ruleAlert {
	t.Helper()
	p := startVigil(t, bin, dir, "")
	defer p.stop(t)
	sendAll(t, p, lines)
	return alertsByID(t, p, "in the uninterrupted run")
}

// sendAll posts lines and waits until the service has processed them.
func sendAll(t *testing.T, p *vigilProc, lines []string) {
	t.Helper()
	if n, err := p.post(lines); err != nil || n != len(lines) {
		t.Fatalf("accepted %d of %d events: %v\n%s", n, len(lines), err, p.Stderr)
	}
	p.caughtUp(t)
}

// alertsByID waits until the service has caught up and returns its alerts
// by id, reporting an id listed twice.
func alertsByID(t *testing.T, p *vigilProc, when string) map[string]ruleAlert {
	t.Helper()
	p.caughtUp(t)
	var got struct {
		Alerts []struct {
			ID string `json:"id"`
			ruleAlert
		} `json:"alerts"`
	}
	if err := p.get("/api/v1/alerts?limit=10000", &got); err != nil {
		t.Fatal(err)
	}
	out := map[string]ruleAlert{}
	for _, a := range got.Alerts {
		if _, dup := out[a.ID]; dup {
			t.Errorf("%s: alert %s listed twice", when, a.ID)
		}
		out[a.ID] = a.ruleAlert
	}
	return out
}

// checkAlerts compares the service's alerts, once caught up, with want.
func checkAlerts(t *testing.T, p *vigilProc, want map[string]ruleAlert, when string) {
	t.Helper()
	got := alertsByID(t, p, when)
	if len(got) != len(want) {
		t.Errorf("%s: %d alerts, an uninterrupted run raised %d: %v", when, len(got), len(want), got)
	}
	for id, a := range want {
		if got[id] != a {
			t.Errorf("%s: alert %s is %+v, in an uninterrupted run %+v", when, id, got[id], a)
		}
	}
}
