package targetstore

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var at = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func TestNewChecksEveryField(t *testing.T) {
	tests := []struct {
		name      string
		spec      Target
		wantField string // "" when accepted
	}{
		{"webhook", Target{Name: "SOC", Kind: "webhook", URL: "https://soc.example.nhs.uk/hook"}, ""},
		{"kind in capitals, spaces", Target{Name: " SOC ", Kind: " Teams ", URL: " https://x.webhook.office.com/webhookb2/abc "}, ""},
		{"slack", Target{Name: "S", Kind: "slack", URL: "https://hooks.slack.com/services/T/B/X"}, ""},
		{"http to localhost", Target{Name: "relay", Kind: "webhook", URL: "http://localhost:8080/hook"}, ""},
		{"http to 127.0.0.1", Target{Name: "relay", Kind: "webhook", URL: "http://127.0.0.1:8080/hook"}, ""},
		{"http to ::1", Target{Name: "relay", Kind: "slack", URL: "http://[::1]:8080/hook"}, ""},
		{"http to a remote host", Target{Name: "S", Kind: "slack", URL: "http://hooks.slack.com/services/T/B/X"}, "url"},
		{"not a URL", Target{Name: "S", Kind: "teams", URL: "hooks.slack.com/services"}, "url"},
		{"ftp", Target{Name: "S", Kind: "webhook", URL: "ftp://soc.example.nhs.uk/x"}, "url"},
		{"user in URL", Target{Name: "S", Kind: "webhook", URL: "https://u:p@soc.example.nhs.uk/x"}, "url"},
		{"no URL", Target{Name: "S", Kind: "webhook"}, "url"},
		{"too long URL", Target{Name: "S", Kind: "webhook", URL: "https://x.nhs.uk/" + strings.Repeat("a", MaxURL)}, "url"},
		{"no name", Target{Kind: "webhook", URL: "https://x.nhs.uk/"}, "name"},
		{"two-line name", Target{Name: "a\nb", Kind: "webhook", URL: "https://x.nhs.uk/"}, "name"},
		{"long name", Target{Name: strings.Repeat("n", MaxName+1), Kind: "webhook", URL: "https://x.nhs.uk/"}, "name"},
		{"unknown kind", Target{Name: "S", Kind: "pager", URL: "https://x.nhs.uk/"}, "kind"},
		{"unknown level", Target{Name: "S", Kind: "webhook", URL: "https://x.nhs.uk/", MinLevel: "urgent"}, "min_level"},
		{"headers", Target{Name: "S", Kind: "webhook", URL: "https://x.nhs.uk/", HeadersEnv: map[string]string{"Authorization": "VIGIL_AUTH"}}, ""},
		{"header name with a space", Target{Name: "S", Kind: "webhook", URL: "https://x.nhs.uk/", HeadersEnv: map[string]string{"Bad Header": "V"}}, "headers_env"},
		{"env name with a dash", Target{Name: "S", Kind: "webhook", URL: "https://x.nhs.uk/", HeadersEnv: map[string]string{"Authorization": "VIGIL-AUTH"}}, "headers_env.Authorization"},
		{"headers on Teams", Target{Name: "S", Kind: "teams", URL: "https://x.nhs.uk/", HeadersEnv: map[string]string{"A": "B"}}, "headers_env"},
		{"syslog tcp", Target{Name: "SIEM", Kind: "syslog", Network: "TCP", Addr: "siem.example.nhs.uk:514"}, ""},
		{"syslog udp ipv6", Target{Name: "SIEM", Kind: "syslog", Network: "udp", Addr: "[2001:db8::1]:514"}, ""},
		{"syslog tls", Target{Name: "SIEM", Kind: "syslog", Network: "tls", Addr: "siem:6514"}, "network"},
		{"syslog no port", Target{Name: "SIEM", Kind: "syslog", Network: "udp", Addr: "siem"}, "addr"},
		{"syslog port 0", Target{Name: "SIEM", Kind: "syslog", Network: "udp", Addr: "siem:0"}, "addr"},
		{"syslog named port", Target{Name: "SIEM", Kind: "syslog", Network: "udp", Addr: "siem:syslog"}, "addr"},
		{"syslog no host", Target{Name: "SIEM", Kind: "syslog", Network: "udp", Addr: ":514"}, "addr"},
		{"syslog with a URL", Target{Name: "SIEM", Kind: "syslog", Network: "udp", Addr: "siem:514", URL: "https://x"}, "url"},
		{"webhook with an addr", Target{Name: "S", Kind: "webhook", URL: "https://x.nhs.uk/", Addr: "x:1"}, "addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(tt.spec, "admin", at)
			var fe *FieldError
			switch {
			case tt.wantField == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantField == "":
				if !strings.HasPrefix(got.ID, "nt-") || got.MinLevel == "" || got.CreatedBy != "admin" || !got.CreatedAt.Equal(at) {
					t.Errorf("accepted as %+v: want an ID, a level and who and when", got)
				}
			case !errors.As(err, &fe) || fe.Field != tt.wantField:
				t.Errorf("error %v, want one on field %s", err, tt.wantField)
			case strings.Contains(err.Error(), "/services/") || strings.Contains(err.Error(), "webhookb2"):
				t.Errorf("error %q shows the URL", err)
			}
		})
	}
}

func TestNewIDsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if seen[id] || len(id) != 19 || strings.ContainsFunc(id, notIDRune) {
			t.Fatalf("id %q: repeated, or not 19 URL-safe characters", id)
		}
		seen[id] = true
	}
}

func TestWhereHidesSecrets(t *testing.T) {
	tests := []struct {
		t    Target
		want string
	}{
		{Target{Kind: KindSlack, URL: "https://hooks.slack.com/services/T0/B0/SECRET"}, "https://hooks.slack.com/…"},
		{Target{Kind: KindWebhook, URL: "https://soc.nhs.uk/h?token=SECRET"}, "https://soc.nhs.uk/…"},
		{Target{Kind: KindSyslog, Network: "tcp", Addr: "siem:514"}, "tcp siem:514"},
		{Target{Kind: KindWebhook, URL: "::SECRET"}, "an address (not shown)"},
	}
	for _, tt := range tests {
		if got := tt.t.Where(); got != tt.want {
			t.Errorf("Where of %s = %q, want %q", tt.t.Kind, got, tt.want)
		}
	}
}

func TestNotifier(t *testing.T) {
	env := map[string]string{"VIGIL_AUTH": "Bearer x"}
	tests := []struct {
		t       Target
		name    string // the notify.Target's Name, "" for an error
		wantErr string
	}{
		{Target{Kind: KindWebhook, URL: "https://soc.nhs.uk/h", HeadersEnv: map[string]string{"Authorization": "VIGIL_AUTH"}}, "webhook https://soc.nhs.uk", ""},
		{Target{Name: "n", Kind: KindWebhook, URL: "https://soc.nhs.uk/h", HeadersEnv: map[string]string{"Authorization": "UNSET"}}, "", "environment variable UNSET is not set"},
		{Target{Kind: KindTeams, URL: "https://x.webhook.office.com/w"}, "teams https://x.webhook.office.com", ""},
		{Target{Kind: KindSlack, URL: "https://hooks.slack.com/s"}, "slack https://hooks.slack.com", ""},
		{Target{Kind: KindSyslog, Network: "udp", Addr: "siem:514"}, "syslog udp://siem:514", ""},
		{Target{Kind: "pager"}, "", "unknown kind"},
	}
	for _, tt := range tests {
		n, err := tt.t.Notifier(func(k string) string { return env[k] })
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.t.Kind, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.t.Kind, err)
		case n.Name() != tt.name:
			t.Errorf("%s: name %q, want %q", tt.t.Kind, n.Name(), tt.name)
		}
	}
}
