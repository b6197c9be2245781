package notify

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"
)

// TestSendTestOverHTTP sends a test notification to a real local HTTP
// server: delivered, marked as a test, without event detail; a refusal
// names the status and the host, never the hook's secret path.
func TestSendTestOverHTTP(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
		wantErr  string
	}{
		{"delivered", nil, ""},
		{"not found", []int{404}, "HTTP 404 Not Found from webhook http://127.0.0.1"},
		{"server error is not retried", []int{500}, "HTTP 500 Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCapture(t, tt.statuses...)
			err := SendTest(context.Background(), NewWebhook(c.srv.URL+"/hooks/SECRETPATH", nil, nil), t0)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("SendTest: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "SECRETPATH")) {
				t.Fatalf("SendTest error %v, want one saying %q without the path", err, tt.wantErr)
			}
			if n := len(c.bodies); n != 1 {
				t.Fatalf("%d requests, want exactly 1", n)
			}
			var got webhookPayload
			if err := json.Unmarshal(<-c.bodies, &got); err != nil {
				t.Fatal(err)
			}
			a := got.Alert
			if a.RuleTitle != TestRuleTitle || a.Level != "informational" || a.Event != nil || a.User != "" || a.Status != "test" {
				t.Errorf("test alert %+v, want the marked informational one with no event or user", a)
			}
		})
	}
}

// TestSendTestErrorsHideTheURL: a network failure to a Slack-style hook
// says what failed without the URL's path.
func TestSendTestErrorsHideTheURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	err = SendTest(context.Background(), NewSlack("http://"+addr+"/services/T0/B0/XXXXSECRET", nil), t0)
	if err == nil || strings.Contains(err.Error(), "XXXXSECRET") || !strings.Contains(err.Error(), "slack http://"+addr) {
		t.Fatalf("error %v: want one naming the target without the secret", err)
	}
}

// TestSendTestOverSyslog sends a test notification to a real TCP syslog
// listener.
func TestSendTestOverSyslog(t *testing.T) {
	addr, got := receive(t, "tcp")
	if err := SendTest(context.Background(), NewSyslogCEF("tcp", addr), t0); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-got:
		if !strings.Contains(msg, "|"+TestRuleTitle+"|1|") || !strings.HasPrefix(msg, "<166>1 ") {
			t.Errorf("message %q: want the test title at severity 1, facility local4 info", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing arrived at the syslog listener")
	}
}

// TestSendTestTimesOut: a target that never answers is given up within
// the caller's deadline.
func TestSendTestTimesOut(t *testing.T) {
	r := &recorder{name: "stuck", block: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := SendTest(ctx, r, t0); err == nil {
		t.Fatal("a send that never ended was reported delivered")
	}
}
