package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/rules"
)

const testToken = "test-token-0123456789"

// testService is a running service with its API's base URL.
type testService struct {
	svc  *Service
	base string
	stop func() error
}

func startService(t *testing.T, cfg Config) *testService {
	t.Helper()
	return startServiceLog(t, cfg, nil)
}

// startServiceLog starts a service that logs to log (nil: nowhere).
func startServiceLog(t *testing.T, cfg Config, log *slog.Logger) *testService {
	t.Helper()
	svc, err := New(cfg, log)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	ts := &testService{svc: svc, base: "http://" + svc.Addr().String()}
	var stopped bool
	var stopErr error
	ts.stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			stopErr = <-done
		}
		return stopErr
	}
	t.Cleanup(func() {
		if err := ts.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return ts
}

func testConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.Data = t.TempDir()
	cfg.HTTP = "127.0.0.1:0"
	cfg.AdminToken = testToken
	return cfg
}

// do sends a request with the token (when token is not "") and decodes a
// JSON answer into out (when out is not nil).
func (ts *testService) do(t *testing.T, method, route, token string, body []byte, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, ts.base+route, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-ndjson")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, route, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, route, err, data)
		}
	}
	return resp.StatusCode
}

func (ts *testService) post(t *testing.T, body []byte) int {
	t.Helper()
	var got struct {
		Accepted int `json:"accepted"`
	}
	if code := ts.do(t, "POST", "/api/v1/events", testToken, body, &got); code != http.StatusOK {
		t.Fatalf("POST /api/v1/events: status %d", code)
	}
	return got.Accepted
}

type alertsAnswer struct {
	Alerts []*alert.Alert `json:"alerts"`
}

// waitFor polls until cond holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readFile(t *testing.T, elem ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(elem...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestAlertFieldsAndDedupe(t *testing.T) {
	ts := startService(t, testConfig(t))
	body := readFile(t, "..", "..", "rules", "testdata", "win_system_wannacry_service_install", "match.jsonl")
	if n := ts.post(t, body); n != 2 {
		t.Fatalf("accepted %d events, want 2", n)
	}
	var got alertsAnswer
	waitFor(t, "the WannaCry alert", func() bool {
		got = alertsAnswer{}
		ts.do(t, "GET", "/api/v1/alerts", testToken, nil, &got)
		return len(got.Alerts) > 0 && got.Alerts[0].Count == 2
	})
	if len(got.Alerts) != 1 {
		t.Fatalf("got %d alerts, want one alert with count 2: %+v", len(got.Alerts), got.Alerts)
	}
	a := got.Alerts[0]
	want := struct {
		host, level string
		records     []uint64
		first, last string
	}{"WS-RAD-07.nht.example", "critical", []uint64{48362, 48363}, "2017-05-12T11:32:05Z", "2017-05-12T11:32:09Z"}
	if a.ID == "" || a.RuleID == "" || !strings.Contains(strings.ToLower(a.RuleTitle), "wannacry") {
		t.Errorf("alert lacks id, rule_id or a WannaCry title: %+v", a)
	}
	if a.Host != want.host || a.Level != want.level {
		t.Errorf("host %q level %q, want %q %q", a.Host, a.Level, want.host, want.level)
	}
	if fmt.Sprint(a.Records) != fmt.Sprint(want.records) {
		t.Errorf("records %v, want %v", a.Records, want.records)
	}
	if a.FirstSeen.Format(time.RFC3339) != want.first || a.LastSeen.Format(time.RFC3339) != want.last {
		t.Errorf("first_seen %v last_seen %v, want %s %s", a.FirstSeen, a.LastSeen, want.first, want.last)
	}
	var incs struct {
		Incidents []*alert.Incident `json:"incidents"`
	}
	ts.do(t, "GET", "/api/v1/incidents", testToken, nil, &incs)
	if a.IncidentID == "" || len(incs.Incidents) != 1 || incs.Incidents[0].ID != a.IncidentID {
		t.Errorf("alert's incident %q, incidents %+v: want the one incident holding the alert", a.IncidentID, incs.Incidents)
	}
	var st Stats
	waitFor(t, "both events in the event store", func() bool {
		ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
		return st.EventsStored == 2 && st.StorePosition == 2 && st.EventsProcessed == 2
	})
	if st.EventsProcessed != 2 || st.Alerts != 1 || st.LogPosition != 2 || st.StorePosition != 2 {
		t.Errorf("stats %+v, want 2 stored, 2 processed, 1 alert, both positions 2", st)
	}
}

func TestAuthRequired(t *testing.T) {
	ts := startService(t, testConfig(t))
	for _, route := range []string{"/api/v1/alerts", "/api/v1/incidents", "/api/v1/stats", "/api/v1/nothing"} {
		for _, tok := range []string{"", "wrong"} {
			if code := ts.do(t, "GET", route, tok, nil, nil); code != http.StatusUnauthorized {
				t.Errorf("GET %s with token %q: status %d, want 401", route, tok, code)
			}
		}
	}
	if code := ts.do(t, "POST", "/api/v1/events", "", []byte("{}\n"), nil); code != http.StatusUnauthorized {
		t.Errorf("POST /api/v1/events without token: status %d, want 401", code)
	}
	for _, route := range []string{"/healthz", "/metrics"} {
		if code := ts.do(t, "GET", route, "", nil, nil); code != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", route, code)
		}
	}
	waitFor(t, "/readyz", func() bool { return ts.do(t, "GET", "/readyz", "", nil, nil) == http.StatusOK })
}

// TestOwnPackAlerts posts the matching events of every rule in Vigil's own
// pack and expects an alert from each rule that raises alerts of its own.
func TestOwnPackAlerts(t *testing.T) {
	ts := startService(t, testConfig(t))
	want := expectedRules(t)
	// Correlations run in event time, so send the folders oldest first.
	type batch struct {
		first string
		body  []byte
	}
	var batches []batch
	for name := range want {
		body := testEvents(t, name)
		var ev struct{ TimeCreated string }
		first, _, _ := bytes.Cut(body, []byte("\n"))
		if err := json.Unmarshal(first, &ev); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		batches = append(batches, batch{ev.TimeCreated, body})
	}
	slices.SortFunc(batches, func(a, b batch) int { return strings.Compare(a.first, b.first) })
	var total int
	for _, b := range batches {
		total += ts.post(t, b.body)
	}
	var missing []string
	defer func() {
		if t.Failed() {
			t.Logf("rules without an alert: %v", missing)
		}
	}()
	waitFor(t, "an alert from every rule", func() bool {
		var got alertsAnswer
		ts.do(t, "GET", "/api/v1/alerts?limit=10000", testToken, nil, &got)
		seen := map[string]bool{}
		for _, a := range got.Alerts {
			seen[a.RuleID] = true
		}
		missing = missing[:0]
		for name, id := range want {
			if !seen[id] {
				missing = append(missing, name)
			}
		}
		return len(missing) == 0
	})
	var st Stats
	ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
	if st.EventsStored != uint64(total) {
		t.Errorf("events_stored %d, want %d", st.EventsStored, total)
	}
}

// testEvents reads the events of one rules/testdata folder: match.jsonl
// for a detection rule, sequence.jsonl for a correlation.
func testEvents(t *testing.T, name string) []byte {
	t.Helper()
	dir := filepath.Join("..", "..", "rules", "testdata", name)
	data, err := os.ReadFile(filepath.Join(dir, "match.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		data, err = os.ReadFile(filepath.Join(dir, "sequence.jsonl"))
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// expectedRules maps each rules/testdata folder to the id of the rule it
// tests, for the rules whose matches raise alerts (not correlation-only).
func expectedRules(t *testing.T) map[string]string {
	set := sigma.LoadFS(rules.FS, "vigil-rules", sigma.Options{})
	corr, err := correlate.New(set.Rules, set.Correlations)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, r := range set.Rules {
		if !corr.Suppressed(r) {
			ids[strings.TrimSuffix(path.Base(r.Path), ".yml")] = r.ID
		}
	}
	for _, c := range set.Correlations {
		ids[strings.TrimSuffix(path.Base(c.Path), ".yml")] = c.ID
	}
	dirs, err := os.ReadDir(filepath.Join("..", "..", "rules", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, d := range dirs {
		if id, ok := ids[d.Name()]; ok {
			want[d.Name()] = id
		}
	}
	if len(want) < 20 {
		t.Fatalf("only %d rules with test events found in rules/testdata", len(want))
	}
	return want
}

func TestRestartResumes(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	body := readFile(t, "..", "..", "rules", "testdata", "win_system_wannacry_service_install", "match.jsonl")
	ts.post(t, body)
	if err := ts.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	ts = startService(t, cfg)
	var st Stats
	ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
	if st.EventsStored != 2 || st.EventsProcessed != 2 {
		t.Errorf("after a restart stats %+v, want 2 stored and processed (drained at shutdown)", st)
	}
}

func TestQuarantine(t *testing.T) {
	ts := startService(t, testConfig(t))
	var got struct {
		Accepted int `json:"accepted"`
		Refused  []struct {
			Line int `json:"line"`
		} `json:"refused"`
	}
	body := []byte("{\"Channel\":\"System\",\"EventID\":1}\nnot json\n")
	if code := ts.do(t, "POST", "/api/v1/events", testToken, body, &got); code != http.StatusOK || got.Accepted != 1 || len(got.Refused) != 1 {
		t.Fatalf("status %d, answer %+v: want 1 accepted, line 2 refused", code, got)
	}
	var st Stats
	ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
	if st.Quarantined != 1 {
		t.Errorf("quarantined %d, want 1", st.Quarantined)
	}
	data, err := os.ReadFile(filepath.Join(ts.svc.cfg.Data, "quarantine.jsonl"))
	if err != nil || !strings.Contains(string(data), `"raw":"not json"`) || !strings.Contains(string(data), `"listener":"http"`) {
		t.Errorf("quarantine file %q (%v) lacks the refused line and its listener", data, err)
	}
}

func TestGeneratedToken(t *testing.T) {
	cfg := testConfig(t)
	cfg.AdminToken = ""
	svc, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := svc.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	fi, err := os.Stat(svc.TokenPath())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file %s: %v, mode %v; want mode 0600", svc.TokenPath(), err, fi)
	}
	tok, _, err := adminToken("", cfg.Data)
	if err != nil || len(tok) != 64 || tok != svc.token {
		t.Errorf("second start read token %q (%v), want the first start's", tok, err)
	}
}
