package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/serve"
)

const testToken = "sim-test-token-0123456789"

// running is a live service for one test.
type running struct {
	base   string
	syslog string
	mllp   string
}

func startService(t *testing.T) running {
	t.Helper()
	cfg := serve.DefaultConfig()
	cfg.Data = t.TempDir()
	cfg.HTTP = "127.0.0.1:0"
	cfg.Syslog.TCP = "127.0.0.1:0"
	cfg.HL7.MLLP = "127.0.0.1:0"
	cfg.AdminToken = testToken
	svc, err := serve.New(cfg, nil)
	if err != nil {
		t.Fatalf("serve.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	_, tcp, _ := svc.SyslogAddrs()
	mllp, _ := svc.MLLPAddrs()
	return running{base: svc.APIURL(), syslog: tcp.String(), mllp: mllp.String()}
}

type apiAlert struct {
	ID         string   `json:"id"`
	RuleID     string   `json:"rule_id"`
	RuleTitle  string   `json:"rule_title"`
	Level      string   `json:"level"`
	Host       string   `json:"host"`
	IncidentID string   `json:"incident_id"`
	Records    []uint64 `json:"records"`
}

func get(t *testing.T, url string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func alerts(t *testing.T, r running) []apiAlert {
	var ans struct {
		Alerts []apiAlert `json:"alerts"`
	}
	get(t, r.base+"/api/v1/alerts?limit=10000", &ans)
	return ans.Alerts
}

// settle waits until the detector has processed every stored event and the
// syslog lines have arrived.
func settle(t *testing.T, r running, want int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var st serve.Stats
		get(t, r.base+"/api/v1/stats", &st)
		if int64(st.EventsStored) >= want && st.EventsProcessed == st.EventsStored {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("service did not settle: %+v, want %d events", st, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stageHosts are the hosts a stage's events come from.
func stageHosts(st Stage) []string {
	var hs []string
	for _, ev := range st.Events {
		if !slices.Contains(hs, ev.Host) {
			hs = append(hs, ev.Host)
		}
	}
	return hs
}

func TestScenariosEndToEnd(t *testing.T) {
	for _, name := range Scenarios() {
		t.Run(name, func(t *testing.T) {
			r := startService(t)
			trust := NewTrust(7)
			now := time.Now()
			sc, err := trust.Scenario(name, now.Add(200*time.Millisecond), 120)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Stages) == 0 {
				t.Fatal("scenario has no stages")
			}
			p := &Player{URL: r.base, Token: testToken, SyslogTCP: r.syslog, MLLP: r.mllp}
			defer p.Close()
			bg := trust.Background(now.Add(-2*time.Minute), 2*time.Minute, 20)
			if err := p.Play(context.Background(), Merge(bg, slicesValues(sc.Events()))); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			checkStages(t, r, sc, sent)
		})
	}
}

func slicesValues(evs []Event) func(func(Event) bool) { return slices.Values(evs) }

// checkStages polls the alerts until every stage's expected rules have fired
// on the stage's hosts, or 60 s after the events were sent; then it checks
// that the attack's alerts form the incidents the ground truth says.
func checkStages(t *testing.T, r running, sc *Scenario, sent time.Time) {
	t.Helper()
	var missing []string
	var got []apiAlert
	for {
		got = alerts(t, r)
		missing = missing[:0]
		for _, st := range sc.Stages {
			hosts := stageHosts(st)
			for _, id := range st.Expect {
				if !slices.ContainsFunc(got, func(a apiAlert) bool {
					return a.RuleID == id && slices.ContainsFunc(hosts, func(h string) bool { return strings.EqualFold(h, a.Host) })
				}) {
					missing = append(missing, fmt.Sprintf("%s: %s", st.Name, id))
				}
			}
		}
		if len(missing) == 0 || time.Since(sent) > 60*time.Second {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(missing) > 0 {
		for _, a := range got {
			t.Logf("alert: %s %s %s on %s", a.RuleID, a.Level, a.RuleTitle, a.Host)
		}
		t.Fatalf("expected alerts missing 60 s after sending:\n%s", strings.Join(missing, "\n"))
	}
	incidents := map[string]bool{}
	for _, a := range got {
		for _, st := range sc.Stages {
			if slices.Contains(st.Expect, a.RuleID) && slices.ContainsFunc(stageHosts(st), func(h string) bool { return strings.EqualFold(h, a.Host) }) {
				incidents[a.IncidentID] = true
			}
		}
	}
	if len(incidents) != sc.Incidents {
		for _, a := range got {
			t.Logf("alert: %s %s on %s in %s", a.RuleTitle, a.Level, a.Host, a.IncidentID)
		}
		t.Errorf("attack alerts form %d incidents, ground truth says %d (%s)", len(incidents), sc.Incidents, sc.Note)
	}
}

func TestBackgroundRaisesNoHighAlert(t *testing.T) {
	r := startService(t)
	trust := NewTrust(11)
	now := time.Now()
	p := &Player{URL: r.base, Token: testToken, SyslogTCP: r.syslog, MLLP: r.mllp}
	defer p.Close()
	var n int64
	for range trust.Background(now.Add(-30*time.Minute), 30*time.Minute, 10) {
		n++
	}
	if err := p.Play(context.Background(), trust.Background(now.Add(-30*time.Minute), 30*time.Minute, 10)); err != nil {
		t.Fatal(err)
	}
	if n < 10000 || p.SyslogSent() == 0 || p.FHIRSent() == 0 || p.HL7Sent() == 0 {
		t.Fatalf("background gave %d events, %d of them syslog, %d FHIR, %d HL7: too few to test", n, p.SyslogSent(), p.FHIRSent(), p.HL7Sent())
	}
	all := p.Sent() + p.SyslogSent() + p.FHIRSent() + p.HL7Sent()
	if all != n {
		t.Fatalf("sent %d over HTTP, %d over syslog, %d FHIR and %d HL7, want %d in all", p.Sent(), p.SyslogSent(), p.FHIRSent(), p.HL7Sent(), n)
	}
	settle(t, r, all)
	got := alerts(t, r)
	t.Logf("background: %d events, %d alerts of any level", n, len(got))
	for _, a := range got {
		if a.Level == "high" || a.Level == "critical" {
			t.Errorf("background raised %s alert %q on %s", a.Level, a.RuleTitle, a.Host)
		}
	}
}

func TestBackgroundInTimeOrderAndRepeatable(t *testing.T) {
	start := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	var first []string
	var last time.Time
	n := 0
	for ev := range NewTrust(3).Background(start, 2*time.Minute, 20) {
		if ev.Time.Before(last) {
			t.Fatalf("event %d at %v comes after one at %v", n, ev.Time, last)
		}
		last = ev.Time
		b, err := ev.JSON()
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, string(b))
		n++
	}
	if n < 2000 {
		t.Fatalf("2 minutes at 20 a second gave %d events", n)
	}
	i := 0
	for ev := range NewTrust(3).Background(start, 2*time.Minute, 20) {
		b, _ := ev.JSON()
		if string(b) != first[i] {
			t.Fatalf("event %d differs between two runs with one seed:\n%s\n%s", i, first[i], b)
		}
		i++
	}
}
