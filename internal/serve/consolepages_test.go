package serve

import (
	"strings"
	"testing"
)

func TestConsoleTargetsHideSecrets(t *testing.T) {
	n := &NotifyConfig{
		MinLevel: "medium",
		Webhooks: []WebhookConfig{{URL: "https://soc.example.nhs.uk/hook?token=s3cret", Headers: map[string]string{"Authorization": "Bearer s3cret"}}},
		Teams:    []URLRef{{URLEnv: "TEAMS_URL"}},
		Slack:    []URLRef{{URL: "https://hooks.slack.com/services/T000/B000/s3cret"}},
		SMTP:     &SMTPConfig{Addr: "smtp.nhs.net:587", Username: "vigil", PasswordEnv: "SMTP_PW", From: "vigil@nhs.net", To: []string{"soc@nhs.net"}},
		Syslog:   []SyslogTarget{{Network: "tcp", Addr: "siem:514"}},
	}
	got := consoleTargets(n)
	want := []struct{ kind, where string }{
		{"webhook (JSON)", "https://soc.example.nhs.uk/…"},
		{"Microsoft Teams", "the address in environment variable TEAMS_URL"},
		{"Slack", "https://hooks.slack.com/…"},
		{"email", "soc@nhs.net"},
		{"syslog (CEF)", "tcp siem:514"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d targets, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.kind || g.Where != w.where || !strings.Contains(g.Note, "medium and above") {
			t.Errorf("target %d: %+v, want %s at %s", i, g, w.kind, w.where)
		}
		if strings.Contains(g.Where+g.Note, "s3cret") || strings.Contains(g.Where+g.Note, "SMTP_PW") {
			t.Errorf("target %d shows a secret: %+v", i, g)
		}
	}
	if len(consoleTargets(&NotifyConfig{})) != 0 {
		t.Error("no configured target, yet some are listed")
	}
}
