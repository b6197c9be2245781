package serve

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/people"
)

func TestGuidanceConfigValidate(t *testing.T) {
	nsmtp := &SMTPConfig{Addr: "smtp.trust.example:587", From: "vigil@trust.example", To: []string{"soc@trust.example"}}
	hook := &WebhookConfig{URL: "https://intranet.trust.example/guidance"}
	tests := []struct {
		name  string
		g     GuidanceConfig
		nsmtp *SMTPConfig
		key   string // "" when valid
	}{
		{"off needs nothing", GuidanceConfig{}, nil, ""},
		{"email through notify.smtp", GuidanceConfig{Enabled: true}, nsmtp, ""},
		{"email through its own server", GuidanceConfig{Enabled: true, From: "cyber@trust.example", SMTP: &GuidanceSMTP{Addr: "mail:25"}}, nil, ""},
		{"webhook", GuidanceConfig{Enabled: true, Via: viaWebhook, Webhook: hook}, nil, ""},
		{"email without a server", GuidanceConfig{Enabled: true, From: "cyber@trust.example"}, nil, "people.guidance.smtp"},
		{"email without a sender", GuidanceConfig{Enabled: true, SMTP: &GuidanceSMTP{Addr: "mail:25"}}, nil, "people.guidance.from"},
		{"webhook without one", GuidanceConfig{Enabled: true, Via: viaWebhook}, nsmtp, "people.guidance.webhook"},
		{"bad via", GuidanceConfig{Via: "pager"}, nil, "people.guidance.via"},
		{"bad level", GuidanceConfig{MinLevel: "urgent"}, nil, "people.guidance.min_level"},
		{"negative interval", GuidanceConfig{Interval: -time.Hour}, nil, "people.guidance.per_person_interval"},
		{"negative queue", GuidanceConfig{Queue: -1}, nil, "people.guidance.queue"},
		{"bad from", GuidanceConfig{From: "cyber team"}, nil, "people.guidance.from"},
		{"smtp without port", GuidanceConfig{SMTP: &GuidanceSMTP{Addr: "mail"}}, nil, "people.guidance.smtp.addr"},
		{"smtp user without password", GuidanceConfig{SMTP: &GuidanceSMTP{Addr: "mail:25", Username: "u"}}, nil, "people.guidance.smtp.password_env"},
		{"smtp starttls", GuidanceConfig{SMTP: &GuidanceSMTP{Addr: "mail:25", StartTLS: "maybe"}}, nil, "people.guidance.smtp.starttls"},
		{"webhook ftp", GuidanceConfig{Webhook: &WebhookConfig{URL: "ftp://x/y"}}, nil, "people.guidance.webhook.url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.g.validate(tt.nsmtp)
			if tt.key == "" {
				if err != nil {
					t.Fatalf("validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "config key "+tt.key+":") {
				t.Fatalf("validate = %v, want an error naming key %s", err, tt.key)
			}
		})
	}
}

func TestGuidanceMailServer(t *testing.T) {
	nsmtp := &SMTPConfig{Addr: "smtp.trust.example:587", Username: "vigil", PasswordEnv: "NOTIFY_PW", From: "vigil@trust.example", StartTLS: "required"}
	env := map[string]string{"NOTIFY_PW": "n-secret", "GUIDANCE_PW": "g-secret"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name                           string
		g                              GuidanceConfig
		addr, user, pw, from, starttls string
		errKey                         string
	}{
		{"notify's server and sender", GuidanceConfig{}, "smtp.trust.example:587", "vigil", "n-secret", "vigil@trust.example", "required", ""},
		{"its own sender", GuidanceConfig{From: "cyber@trust.example"}, "smtp.trust.example:587", "vigil", "n-secret", "cyber@trust.example", "required", ""},
		{"its own server", GuidanceConfig{SMTP: &GuidanceSMTP{Addr: "relay:25", Username: "g", PasswordEnv: "GUIDANCE_PW"}}, "relay:25", "g", "g-secret", "vigil@trust.example", "", ""},
		{"unset password variable", GuidanceConfig{SMTP: &GuidanceSMTP{Addr: "relay:25", Username: "g", PasswordEnv: "NOPE"}}, "", "", "", "", "", "people.guidance.smtp.password_env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.g.mailServer(nsmtp, getenv)
			if tt.errKey != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errKey) || !strings.Contains(err.Error(), "NOPE") {
					t.Fatalf("err %v, want one naming %s and the variable", err, tt.errKey)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Addr != tt.addr || cfg.Username != tt.user || cfg.Password != tt.pw || cfg.From != tt.from || cfg.StartTLS != tt.starttls {
				t.Fatalf("server %+v", cfg)
			}
		})
	}
}

func TestGuidanceEnvOverrides(t *testing.T) {
	env := map[string]string{
		"VIGIL_PEOPLE_GUIDANCE_ENABLED":             "true",
		"VIGIL_PEOPLE_GUIDANCE_TEMPLATES":           "/etc/vigil/guidance",
		"VIGIL_PEOPLE_GUIDANCE_FROM":                "cyber@trust.example",
		"VIGIL_PEOPLE_GUIDANCE_VIA":                 "webhook",
		"VIGIL_PEOPLE_GUIDANCE_MIN_LEVEL":           "high",
		"VIGIL_PEOPLE_GUIDANCE_PER_PERSON_INTERVAL": "72h",
		"VIGIL_PEOPLE_GUIDANCE_QUEUE":               "32",
		"VIGIL_PEOPLE_GUIDANCE_SMTP_ADDR":           "relay:25",
		"VIGIL_PEOPLE_GUIDANCE_SMTP_USERNAME":       "g",
		"VIGIL_PEOPLE_GUIDANCE_SMTP_PASSWORD_ENV":   "G_PW",
		"VIGIL_PEOPLE_GUIDANCE_SMTP_STARTTLS":       "off",
		"VIGIL_PEOPLE_GUIDANCE_WEBHOOK_URL":         "https://intranet.trust.example/g",
		"VIGIL_PEOPLE_GUIDANCE_WEBHOOK_URL_ENV":     "G_URL",
		"VIGIL_PEOPLE_GUIDANCE_WEBHOOK_HEADERS":     "X-Source=vigil; X-Team = cyber",
		"VIGIL_PEOPLE_GUIDANCE_WEBHOOK_HEADERS_ENV": "Authorization=G_AUTH",
	}
	cfg := DefaultConfig()
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	g := cfg.People.Guidance
	want := GuidanceConfig{Enabled: true, Templates: "/etc/vigil/guidance", From: "cyber@trust.example", Via: "webhook", MinLevel: "high",
		Interval: 72 * time.Hour, Queue: 32, SMTP: &GuidanceSMTP{"relay:25", "g", "G_PW", "off"}}
	gotSMTP, wantSMTP := *g.SMTP, *want.SMTP
	g.SMTP, want.SMTP = nil, nil
	hook := g.Webhook
	g.Webhook = nil
	if g != want || gotSMTP != wantSMTP {
		t.Fatalf("guidance from the environment %+v %+v", g, gotSMTP)
	}
	if hook.URL != "https://intranet.trust.example/g" || hook.URLEnv != "G_URL" ||
		!maps.Equal(hook.Headers, map[string]string{"X-Source": "vigil", "X-Team": "cyber"}) ||
		!maps.Equal(hook.HeadersEnv, map[string]string{"Authorization": "G_AUTH"}) {
		t.Fatalf("webhook from the environment %+v", hook)
	}
	for name, value := range map[string]string{"VIGIL_PEOPLE_GUIDANCE_ENABLED": "yes please", "VIGIL_PEOPLE_GUIDANCE_WEBHOOK_HEADERS": "X-Source"} {
		cfg := DefaultConfig()
		err := cfg.ApplyEnv(func(k string) string { return map[string]string{name: value}[k] })
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: %v, want an error naming the variable", name, value, err)
		}
	}
}

func TestAlertUsers(t *testing.T) {
	tests := []struct {
		name string
		a    alert.Alert
		want []string
	}{
		{"user only", alert.Alert{User: `NHT\akhan`}, []string{`NHT\akhan`}},
		{"correlation group", alert.Alert{Key: "IpAddress=10.1.2.3,TargetUserName=a.khan"}, []string{"a.khan"}},
		{"event fields, target first, repeats once", alert.Alert{User: "WS01$", Event: map[string]any{
			"SubjectUserName": "WS01$", "TargetUserName": "bturner", "UserPrincipalName": "BTurner", "EventID": 4624,
		}}, []string{"WS01$", "bturner"}},
		{"non-string and empty fields", alert.Alert{Event: map[string]any{"User": 7, "TargetUserName": " "}}, nil},
		{"key without user fields", alert.Alert{Key: "Computer=ws01,=x,novalue"}, nil},
	}
	for _, tt := range tests {
		if got := alertUsers(&tt.a); !slices.Equal(got, tt.want) {
			t.Errorf("%s: alertUsers = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestIsPersonAccount(t *testing.T) {
	tests := []struct {
		user string
		want bool
	}{
		{`NHT\a.khan`, true},
		{"adm-jbloggs@trust.example", true},
		{"svcmanager", true}, // no separator: may be a surname
		{`NT AUTHORITY\SYSTEM`, false},
		{`NHT\WS-WARD7-01$`, false},
		{`NHT\svc-pacs`, false},
		{"svc_backup@trust.example", false},
		{"sql.svc", false},
		{"pacs-svc", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isPersonAccount(tt.user); got != tt.want {
			t.Errorf("isPersonAccount(%q) = %v, want %v", tt.user, got, tt.want)
		}
	}
}

func TestRecentIDs(t *testing.T) {
	r := newRecentIDs(2)
	steps := []struct {
		op, id string
		want   bool
	}{
		{"add", "a", true},
		{"add", "a", false},
		{"add", "b", true},
		{"add", "c", true}, // pushes a out
		{"add", "a", true},
		{"add", "c", false},
		{"forget", "c", true},
		{"add", "c", true},
	}
	for i, s := range steps {
		if s.op == "forget" {
			r.forget(s.id)
			continue
		}
		if got := r.add(s.id); got != s.want {
			t.Fatalf("step %d: add(%q) = %v, want %v", i, s.id, got, s.want)
		}
	}
}

func TestGuidanceFailedSendIsCountedAndTriedAgain(t *testing.T) {
	dir, err := people.ReadStaffCSV(strings.NewReader(guidanceStaff), "staff.csv")
	if err != nil {
		t.Fatal(err)
	}
	refuse := people.SenderFunc(func(context.Context, people.Message) error {
		return errors.New("550 mailbox unavailable")
	})
	g := newGuidance(people.NewGuide(dir, people.GuideOptions{Sender: refuse}), nil, viaEmail, 4, slog.New(slog.DiscardHandler))
	a := &alert.Alert{ID: "a1", RuleTitle: "Clicked phishing link", Tags: []string{"attack.t1566.002"}, Level: "high", User: `NHT\a.khan`}
	for try := 1; try <= 2; try++ {
		g.offer(a)
		if len(g.queue) != 1 {
			t.Fatalf("try %d: %d queued, want 1 (a failed send frees the alert and the person's slot)", try, len(g.queue))
		}
		g.deliver(context.Background(), <-g.queue)
		if g.failed.Load() != int64(try) || g.sent.Load() != 0 {
			t.Fatalf("try %d: failed %d, sent %d", try, g.failed.Load(), g.sent.Load())
		}
	}
}
