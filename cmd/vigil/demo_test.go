package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/sim"
)

func TestDemoRunsForDuration(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"demo", "--duration", "5s", "--http", "127.0.0.1:0", "--speed", "100", "--scenario", "wannacry"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	got := out.String()
	for _, want := range []string{"/api/v1/alerts", "/api/v1/incidents", "/api/v1/stats", "/fhir/AuditEvent", "HL7 v2:    MLLP on 127.0.0.1:", "Admin token: in ", "curl -H \"Authorization: Bearer", "Vigil demo stopped."} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !regexp.MustCompile(`http://127\.0\.0\.1:\d+/api/v1/alerts`).MatchString(got) {
		t.Errorf("output names no API URL with its port:\n%s", got)
	}
	// A summary line with events actually stored.
	if !regexp.MustCompile(`sent [1-9]\d* events \(\d+ by syslog\), stored [1-9]\d*; alerts: `).MatchString(got) {
		t.Errorf("output has no summary line with stored events:\n%s", got)
	}
}

func TestDemoFallsBackWhenPortBusy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	old := demoHTTP
	demoHTTP = ln.Addr().String()
	defer func() { demoHTTP = old }()
	var out, errb bytes.Buffer
	if code := run([]string{"demo", "--duration", "2s", "--scenario", "wannacry"}, &out, &errb); code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), ln.Addr().String()+" is busy; using a free port instead.") {
		t.Errorf("output does not say the port was busy:\n%s", out.String())
	}
	if strings.Contains(out.String(), "listening on http://"+ln.Addr().String()) {
		t.Errorf("demo claims the busy address:\n%s", out.String())
	}
}

func TestDemoBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--scenario", "nosuch"},
		{"demo", "--speed", "0"},
		{"demo", "--duration", "-1s"},
		{"demo", "extra"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit code %d, want 2 (stderr %s)", args, code, errb.String())
		}
	}
}

// TestDemoConsoleLogin: the first run makes an admin account in the data
// folder and prints its password with the console's address; a second run
// keeps it and says how to set a new one.
func TestDemoConsoleLogin(t *testing.T) {
	data := t.TempDir()
	args := []string{"demo", "--data", data, "--duration", "2s", "--http", "127.0.0.1:0", "--scenario", "wannacry"}
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("first run: exit code %d\n%s\n%s", code, out.String(), errb.String())
	}
	m := regexp.MustCompile(`Console: http://127\.0\.0\.1:\d+/ — log in as admin with password ([A-Z2-7]{24})\n`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("first run prints no console login:\n%s", out.String())
	}
	u, ok, err := auth.OpenUsers(data, auth.DefaultArgon2).Authenticate("admin", m[1])
	if !ok || err != nil || u.Role != auth.RoleAdmin {
		t.Fatalf("the printed password does not log admin in: %v, %v, %+v", ok, err, u)
	}
	out.Reset()
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("second run: exit code %d\n%s", code, errb.String())
	}
	want := "log in as admin with the password made on the first run (to set a new one: vigil user add --data " + data + " --name admin --role admin --replace)"
	if !strings.Contains(out.String(), want) || strings.Contains(out.String(), m[1]) {
		t.Errorf("second run, want %q and not the old password:\n%s", want, out.String())
	}
	if _, ok, _ := auth.OpenUsers(data, auth.DefaultArgon2).Authenticate("admin", m[1]); !ok {
		t.Error("the second run changed the admin's password")
	}
}

// TestSummaryCountsMergedIncidentsOnce checks that the demo's summary line
// counts an incident merged into another once, in the one it joined.
func TestSummaryCountsMergedIncidentsOnce(t *testing.T) {
	answers := map[string]string{
		"/api/v1/stats":     `{"events_stored": 7}`,
		"/api/v1/alerts":    `{"alerts": [{"level": "high"}, {"level": "high"}, {"level": "critical"}]}`,
		"/api/v1/incidents": `{"incidents": [{"id": "a"}, {"id": "b", "merged_into": "a"}, {"id": "c"}]}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, answers[r.URL.Path])
	}))
	defer srv.Close()
	got := summaryLine(srv.Client(), srv.URL, "tok", &sim.Player{})
	if !strings.HasSuffix(got, "stored 7; alerts: critical 1, high 2; incidents 2") {
		t.Errorf("summary line = %q, want it to end with stored 7, critical 1, high 2 and incidents 2", got)
	}
}
