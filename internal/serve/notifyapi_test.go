package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/notify"
	"github.com/vigilhealth/vigil/internal/notify/targetstore"
)

// apiJSON sends a JSON body (nil: none) as the admin and decodes the
// answer, whatever its status, into out (when not nil).
func (ts *testService) apiJSON(t *testing.T, method, route string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, ts.base+route, rd)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, route, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, route, err, data)
		}
	}
	return resp.StatusCode
}

type targetsAnswer struct {
	Targets []NotifyTargetInfo `json:"targets"`
}

// TestNotifyTargetsAPI adds a webhook target at run time, sees it listed
// without its secret, sends it a test that arrives, sees the next
// critical alert reach it without a restart, and removes it; the file's
// target is listed, testable, not removable. No answer and no audit line
// holds the URL's secret path.
func TestNotifyTargetsAPI(t *testing.T) {
	fileHook, added := &webhookRecorder{}, &webhookRecorder{}
	fileSrv, addedSrv := httptest.NewServer(fileHook), httptest.NewServer(added)
	defer fileSrv.Close()
	defer addedSrv.Close()
	cfg := testConfig(t)
	cfg.Notify.Webhooks = []WebhookConfig{{URL: fileSrv.URL + "/file/SECRETFILE"}}
	ts := startService(t, cfg)

	var got NotifyTargetInfo
	code := ts.apiJSON(t, "POST", "/api/v1/notify/targets", map[string]any{"name": "SOC relay", "kind": "webhook",
		"url": addedSrv.URL + "/hooks/SECRETPATH", "min_level": "critical"}, &got)
	if code != http.StatusCreated || !strings.HasPrefix(got.ID, "nt-") || got.Source != "console" || got.CreatedBy != "admin-token" || got.Kind != "webhook" || got.MinLevel != "critical" {
		t.Fatalf("POST: %d %+v, want 201 with the new target made by admin", code, got)
	}
	var list targetsAnswer
	if code := ts.apiJSON(t, "GET", "/api/v1/notify/targets", nil, &list); code != 200 || len(list.Targets) != 2 {
		t.Fatalf("GET: %d %+v, want the file's and the added target", code, list)
	}
	if f, a := list.Targets[0], list.Targets[1]; f.ID != "file-0" || f.Source != "file" || a.ID != got.ID || a.Where != addedSrv.URL+"/…" {
		t.Errorf("listed %+v, want file-0 then %s at its host only", list.Targets, got.ID)
	}

	// A test to each: delivered, marked as a test.
	for _, tc := range []struct {
		id  string
		rec *webhookRecorder
	}{{got.ID, added}, {"file-0", fileHook}} {
		var res TestSendResult
		if code := ts.apiJSON(t, "POST", "/api/v1/notify/targets/"+tc.id+"/test", nil, &res); code != 200 || !res.Delivered {
			t.Fatalf("test %s: %d %+v, want delivered", tc.id, code, res)
		}
		alerts, _ := tc.rec.received()
		if len(alerts) != 1 || alerts[0].RuleTitle != notify.TestRuleTitle || alerts[0].Level != "informational" {
			t.Fatalf("%s received %+v, want the one test notification", tc.id, alerts)
		}
	}

	// The next critical alert reaches the added target, with no restart.
	ts.post(t, readFile(t, "..", "..", "rules", "testdata", "win_system_wannacry_service_install", "match.jsonl"))
	waitFor(t, "the added target to receive the critical alert", func() bool { a, _ := added.received(); return len(a) == 2 })

	// Removal: the file's is refused, an unknown one is not found.
	for _, tc := range []struct {
		id   string
		code int
	}{{"file-0", http.StatusConflict}, {"nt-unknown", http.StatusNotFound}, {got.ID, http.StatusNoContent}, {got.ID, http.StatusNotFound}} {
		if code := ts.apiJSON(t, "DELETE", "/api/v1/notify/targets/"+tc.id, nil, nil); code != tc.code {
			t.Errorf("DELETE %s: %d, want %d", tc.id, code, tc.code)
		}
	}
	if code := ts.apiJSON(t, "GET", "/api/v1/notify/targets", nil, &list); code != 200 || len(list.Targets) != 1 {
		t.Errorf("after DELETE: %+v, want the file's target only", list.Targets)
	}
	for _, e := range auditEntries(t, cfg.Data) {
		if line, _ := json.Marshal(e); bytes.Contains(line, []byte("SECRET")) {
			t.Errorf("audit line holds a URL's secret: %s", line)
		}
	}
	var seen []string
	for _, e := range auditEntries(t, cfg.Data) {
		if strings.HasPrefix(e.Action, "notify: ") {
			seen = append(seen, e.Action+" "+e.Outcome)
		}
	}
	for _, want := range []string{"notify: add target done", "notify: test target done", "notify: remove target done"} {
		if !strings.Contains(strings.Join(seen, "\n"), want) {
			t.Errorf("audit log lacks %q: %v", want, seen)
		}
	}
}

// TestNotifyTargetsAPIRefusals: a wrong body names its field; a test to a
// target that refuses says why, with the status and host.
func TestNotifyTargetsAPIRefusals(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	defer gone.Close()
	ts := startService(t, testConfig(t))
	tests := []struct {
		body  any
		field string
	}{
		{map[string]any{"name": "S", "kind": "slack", "url": "http://hooks.slack.com/services/T/B/SECRET"}, "url"},
		{map[string]any{"name": "", "kind": "webhook", "url": "https://x.nhs.uk/"}, "name"},
		{map[string]any{"name": "SIEM", "kind": "syslog", "network": "tcp", "addr": "siem"}, "addr"},
		{map[string]any{"name": "S", "kind": "pager"}, "kind"},
		{map[string]any{"name": "S", "kind": "webhook", "url": "https://x.nhs.uk/", "min_level": "loud"}, "min_level"},
		{map[string]any{"name": "S", "kind": "webhook", "url": "https://x.nhs.uk/", "id": "nt-mine"}, ""}, // not a field one may set
	}
	for _, tt := range tests {
		var ans fieldErrorBody
		if code := ts.apiJSON(t, "POST", "/api/v1/notify/targets", tt.body, &ans); code != 400 || ans.Field != tt.field || strings.Contains(ans.Error, "SECRET") {
			t.Errorf("POST %v: %d %+v, want 400 on field %q without the URL", tt.body, code, ans, tt.field)
		}
	}
	var got NotifyTargetInfo
	if code := ts.apiJSON(t, "POST", "/api/v1/notify/targets", map[string]any{"name": "Gone", "kind": "slack", "url": gone.URL + "/services/SECRET"}, &got); code != 201 {
		t.Fatalf("POST: %d", code)
	}
	var res TestSendResult
	code := ts.apiJSON(t, "POST", "/api/v1/notify/targets/"+got.ID+"/test", nil, &res)
	if code != http.StatusBadGateway || res.Delivered || !strings.Contains(res.Error, "HTTP 404 Not Found from slack "+gone.URL) || strings.Contains(res.Error, "SECRET") {
		t.Errorf("test to a hook that is gone: %d %+v, want 502 naming the status and host only", code, res)
	}
	if code := ts.apiJSON(t, "POST", "/api/v1/notify/targets/file-9/test", nil, nil); code != http.StatusNotFound {
		t.Errorf("test to file-9 with no file target: %d, want 404", code)
	}
}

// TestNotifyTargetsSyslogTest sends a test to a real local TCP syslog
// listener added as a target.
func TestNotifyTargetsSyslogTest(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	msgs := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		b, _ := io.ReadAll(c)
		msgs <- string(b)
	}()
	ts := startService(t, testConfig(t))
	var got NotifyTargetInfo
	if code := ts.apiJSON(t, "POST", "/api/v1/notify/targets", map[string]any{"name": "SIEM", "kind": "syslog", "network": "tcp", "addr": ln.Addr().String()}, &got); code != 201 {
		t.Fatalf("POST: %d", code)
	}
	var res TestSendResult
	if code := ts.apiJSON(t, "POST", "/api/v1/notify/targets/"+got.ID+"/test", nil, &res); code != 200 || !res.Delivered {
		t.Fatalf("test: %d %+v", code, res)
	}
	select {
	case m := <-msgs:
		if !strings.Contains(m, "|Vigil test notification|1|") {
			t.Errorf("syslog got %q, want the CEF test notification", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing reached the syslog listener")
	}
}

// TestNotifyTargetsReload: a target stored by another writer (as another
// node does into PostgreSQL) is taken in within notify.reload, and its
// file is the service user's only.
func TestNotifyTargetsReload(t *testing.T) {
	rec := &webhookRecorder{}
	hook := httptest.NewServer(rec)
	defer hook.Close()
	cfg := testConfig(t)
	cfg.Notify.Reload = 20 * time.Millisecond
	ts := startService(t, cfg)
	tg, err := targetstore.New(targetstore.Target{Name: "other node's", Kind: "webhook", URL: hook.URL + "/h"}, "admin", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// The service's own store handle, written to behind its back: no
	// apply follows, so only the reload loop can take it in.
	if _, err := ts.svc.targets.store.Add(context.Background(), tg); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reload to take the target in", func() bool { return len(ts.svc.notify.Stats()) == 1 })
	ts.post(t, readFile(t, "..", "..", "rules", "testdata", "win_system_wannacry_service_install", "match.jsonl"))
	waitFor(t, "the reloaded target to receive the critical alert", func() bool { a, _ := rec.received(); return len(a) == 1 })
	info, err := os.Stat(filepath.Join(cfg.Data, targetstore.Dir, targetstore.FileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("targets file: %v (%v), want mode 0600", info, err)
	}
}

func TestDescribeTarget(t *testing.T) {
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		t                 targetstore.Target
		kind, where, note string
	}{
		{targetstore.Target{Kind: "slack", URL: "https://hooks.slack.com/services/T/B/SECRET", MinLevel: "high"},
			"Slack", "https://hooks.slack.com/…", "alerts of level high and above"},
		{targetstore.Target{Kind: "webhook", URL: "https://soc.nhs.uk/h?token=SECRET", MinLevel: "low",
			HeadersEnv: map[string]string{"X-Key": "VIGIL_B", "Authorization": "VIGIL_A"}},
			"webhook (JSON)", "https://soc.nhs.uk/…", "alerts of level low and above; with extra headers from environment variables VIGIL_A, VIGIL_B"},
		{targetstore.Target{Kind: "syslog", Network: "udp", Addr: "siem:514", MinLevel: "critical"},
			"syslog (CEF)", "udp siem:514", "alerts of level critical and above"},
	}
	for _, tt := range tests {
		tt.t.ID, tt.t.Name, tt.t.CreatedAt, tt.t.CreatedBy = "nt-x", "n", at, "ada"
		d := describeTarget(tt.t)
		if d.Kind != tt.kind || d.Where != tt.where || d.Note != tt.note || d.FromFile || !d.CreatedAt.Equal(at) {
			t.Errorf("%s: %+v, want %s at %s, %q", tt.t.Kind, d, tt.kind, tt.where, tt.note)
		}
		if info := targetInfo(d); info.Kind != tt.t.Kind || info.Source != "console" || strings.Contains(info.Where+info.Note, "SECRET") {
			t.Errorf("%s: API shows %+v", tt.t.Kind, info)
		}
	}
}
