package serve

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
)

// webhookRecorder is a webhook receiver that keeps what it was sent.
type webhookRecorder struct {
	mu     sync.Mutex
	alerts []alert.Alert
	auth   []string
}

func (rec *webhookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Version int         `json:"version"`
		Alert   alert.Alert `json:"alert"`
	}
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &body); err != nil || body.Version != 1 {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	rec.mu.Lock()
	rec.alerts = append(rec.alerts, body.Alert)
	rec.auth = append(rec.auth, r.Header.Get("Authorization"))
	rec.mu.Unlock()
}

func (rec *webhookRecorder) received() ([]alert.Alert, []string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]alert.Alert(nil), rec.alerts...), append([]string(nil), rec.auth...)
}

func TestWebhookGetsHighAlertsOnly(t *testing.T) {
	rec := &webhookRecorder{}
	hook := httptest.NewServer(rec)
	defer hook.Close()
	t.Setenv("VIGIL_TEST_HOOK_AUTH", "Bearer hook-secret")
	cfg := testConfig(t)
	cfg.Notify.Webhooks = []WebhookConfig{{URL: hook.URL, HeadersEnv: map[string]string{"Authorization": "VIGIL_TEST_HOOK_AUTH"}}}
	ts := startService(t, cfg)

	// A critical alert and a medium one: only the first reaches the
	// webhook.
	ts.post(t, readFile(t, "..", "..", "rules", "testdata", "win_system_wannacry_service_install", "match.jsonl"))
	ts.post(t, readFile(t, "..", "..", "rules", "testdata", "proc_win_remote_access_tool_unattended", "match.jsonl"))
	waitFor(t, "the webhook to receive an alert", func() bool { got, _ := rec.received(); return len(got) > 0 })
	waitFor(t, "the medium alert to be stored", func() bool {
		var stored alertsAnswer
		ts.do(t, "GET", "/api/v1/alerts", testToken, nil, &stored)
		for _, a := range stored.Alerts {
			if a.Level == "medium" {
				return true
			}
		}
		return false
	})
	if err := ts.stop(); err != nil { // drains the dispatcher: anything queued is sent now
		t.Fatal(err)
	}
	got, auth := rec.received()
	if len(got) != 1 || got[0].Level != "critical" || !strings.Contains(strings.ToLower(got[0].RuleTitle), "wannacry") {
		t.Fatalf("webhook received %+v, want only the critical WannaCry alert", got)
	}
	if auth[0] != "Bearer hook-secret" {
		t.Errorf("Authorization header %q, want the value of the variable headers_env names", auth[0])
	}
}

func TestNotifyMetrics(t *testing.T) {
	rec := &webhookRecorder{}
	hook := httptest.NewServer(rec)
	defer hook.Close()
	cfg := testConfig(t)
	cfg.Notify.Webhooks = []WebhookConfig{{URL: hook.URL}}
	ts := startService(t, cfg)
	ts.post(t, readFile(t, "..", "..", "rules", "testdata", "win_system_wannacry_service_install", "match.jsonl"))
	var body string
	waitFor(t, "a sent notification in /metrics", func() bool {
		resp, err := http.Get(ts.base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		body = string(data)
		return strings.Contains(body, "vigil_notify_sent_total{") && strings.Contains(body, "} 1\n")
	})
	for _, want := range []string{
		"# TYPE vigil_notify_sent_total counter\n", "# TYPE vigil_notify_failed_total counter\n",
		"# TYPE vigil_notify_dropped_total counter\n", "# TYPE vigil_notify_throttled_total counter\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestNotifyConfig(t *testing.T) {
	yaml := `notify:
  min_level: medium
  webhooks:
    - url: https://soc.example.nhs.uk/hooks/vigil
      headers: {X-Source: vigil}
      headers_env: {Authorization: HOOK_AUTH}
  teams:
    - https://example.webhook.office.com/webhookb2/abc
    - url_env: TEAMS_URL
  slack: [https://hooks.example.com/services/x]
  smtp:
    addr: smtp.example.nhs.uk:587
    username: vigil@example.nhs.uk
    password_env: SMTP_PASSWORD
    from: vigil@example.nhs.uk
    to: [soc@example.nhs.uk]
    starttls: required
  syslog:
    - {network: tcp, addr: 'siem.example.nhs.uk:514'}
`
	path := t.TempDir() + "/vigil.yaml"
	writeTestFile(t, path, yaml)
	cfg := DefaultConfig()
	if err := cfg.LoadConfig(path); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	n := cfg.Notify
	if n.MinLevel != "medium" || len(n.Teams) != 2 || n.Teams[1].URLEnv != "TEAMS_URL" || n.SMTP == nil ||
		n.SMTP.StartTLS != "required" || n.Syslog[0].Network != "tcp" || n.Webhooks[0].Headers["X-Source"] != "vigil" {
		t.Errorf("notify section read as %+v", n)
	}
	env := map[string]string{"HOOK_AUTH": "Bearer x", "TEAMS_URL": "https://example.webhook.office.com/webhookb2/def", "SMTP_PASSWORD": "pw"}
	targets, err := n.targets(func(k string) string { return env[k] })
	if err != nil || len(targets) != 6 {
		t.Errorf("targets: %d, %v; want 6 and no error", len(targets), err)
	}
	delete(env, "SMTP_PASSWORD")
	if _, err := n.targets(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "SMTP_PASSWORD") {
		t.Errorf("targets without the password variable: %v, want an error naming it", err)
	}

	tests := []struct {
		name string
		edit func(*NotifyConfig)
		key  string
	}{
		{"bad level", func(n *NotifyConfig) { n.MinLevel = "urgent" }, "notify.min_level"},
		{"webhook without url", func(n *NotifyConfig) { n.Webhooks = []WebhookConfig{{}} }, "notify.webhooks[0]"},
		{"webhook ftp", func(n *NotifyConfig) { n.Webhooks = []WebhookConfig{{URL: "ftp://x/y"}} }, "notify.webhooks[0].url"},
		{"teams both", func(n *NotifyConfig) { n.Teams = []URLRef{{URL: "https://a/b", URLEnv: "X"}} }, "notify.teams[0]"},
		{"slack relative", func(n *NotifyConfig) { n.Slack = []URLRef{{URL: "/hook"}} }, "notify.slack[0].url"},
		{"smtp no port", func(n *NotifyConfig) { n.SMTP = &SMTPConfig{Addr: "smtp", From: "a@b", To: []string{"c@d"}} }, "notify.smtp.addr"},
		{"smtp no to", func(n *NotifyConfig) { n.SMTP = &SMTPConfig{Addr: "smtp:25", From: "a@b"} }, "notify.smtp.to"},
		{"smtp user no password", func(n *NotifyConfig) {
			n.SMTP = &SMTPConfig{Addr: "smtp:25", From: "a@b", To: []string{"c@d"}, Username: "u"}
		}, "notify.smtp.password_env"},
		{"smtp starttls", func(n *NotifyConfig) {
			n.SMTP = &SMTPConfig{Addr: "smtp:25", From: "a@b", To: []string{"c@d"}, StartTLS: "yes"}
		}, "notify.smtp.starttls"},
		{"syslog network", func(n *NotifyConfig) { n.Syslog = []SyslogTarget{{Network: "sctp", Addr: "h:514"}} }, "notify.syslog[0].network"},
		{"syslog addr", func(n *NotifyConfig) { n.Syslog = []SyslogTarget{{Network: "udp", Addr: "h"}} }, "notify.syslog[0].addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.edit(&cfg.Notify)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), "config key "+tt.key+":") {
				t.Errorf("Validate() = %v, want an error naming key %s", err, tt.key)
			}
		})
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
