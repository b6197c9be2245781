package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runBinary runs the binary with args (and stdin) and returns its exit
// code, standard output and standard error.
func runBinary(t *testing.T, bin, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// status sends GET route with a bearer token to the service.
func status(t *testing.T, base, route, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+route, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := crashClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestTokensAndAuditThroughTheBinary creates tokens with the CLI while
// `vigil serve` runs on the same folder, uses them at once, revokes one,
// then verifies the self-audit log and tampers with it.
func TestTokensAndAuditThroughTheBinary(t *testing.T) {
	bin := buildVigil(t)
	data := t.TempDir()
	p := startVigil(t, bin, data, "")
	tokens := map[string]string{}
	for _, role := range []string{"analyst", "privacy_officer", "board", "admin"} {
		code, out, errOut := runBinary(t, bin, "", "token", "create", "--data", data, "--role", role, "--name", role+"-desk")
		tokens[role] = strings.TrimSpace(out)
		if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(errOut, "shown only now") {
			t.Fatalf("token create --role %s: exit %d, stdout %q, stderr %q", role, code, out, errOut)
		}
	}
	cases := []struct {
		role, route string
		want        int
	}{
		{"board", "/api/v1/events", 403},
		{"board", "/api/v1/privacy/cases", 403},
		{"analyst", "/api/v1/privacy/cases", 403},
		{"analyst", "/api/v1/alerts", 200},
		{"privacy_officer", "/api/v1/privacy/cases", 200},
		{"admin", "/api/v1/privacy/cases", 200},
		{"", "/api/v1/alerts", 401},
		{"", "/api/v1/privacy/cases", 401},
	}
	for _, c := range cases {
		if got := status(t, p.Base, c.route, tokens[c.role]); got != c.want {
			t.Errorf("GET %s as %q: %d, want %d", c.route, c.role, got, c.want)
		}
	}
	if code, out, _ := runBinary(t, bin, "", "token", "list", "--data", data); code != 0 || !strings.Contains(out, "board-desk") || !strings.Contains(out, "LAST USED") {
		t.Errorf("token list: exit %d\n%s", code, out)
	}
	if code, out, errOut := runBinary(t, bin, "", "token", "revoke", "--data", data, "analyst-desk"); code != 0 {
		t.Fatalf("token revoke: exit %d %s %s", code, out, errOut)
	}
	if got := status(t, p.Base, "/api/v1/alerts", tokens["analyst"]); got != 401 {
		t.Errorf("a revoked token at once: %d, want 401", got)
	}
	if code, _, errOut := runBinary(t, bin, "", "token", "create", "--data", data, "--role", "root"); code != 2 || !strings.Contains(errOut, "unknown role") {
		t.Errorf("token create --role root: exit %d, %s", code, errOut)
	}
	p.stop(t)

	// Views of alerts and privacy cases, granted or refused, were audited.
	code, out, errOut := runBinary(t, bin, "", "audit", "verify", "--data", data)
	if code != 0 || !strings.Contains(out, "intact: 6 entries checked") {
		t.Fatalf("audit verify: exit %d\n%s%s", code, out, errOut)
	}
	path := filepath.Join(data, "audit", "audit-00000000000000000001.jsonl")
	log, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(log, []byte(`"role":"privacy_officer"`), []byte(`"role":"privacy_officeR"`), 1), 0o600)
	code, _, errOut = runBinary(t, bin, "", "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(errOut, "entry 5: hash mismatch") {
		t.Errorf("audit verify after a change: exit %d, %s; want 1 naming entry 5", code, errOut)
	}
}

// TestUserAddThenLogin adds an account with the password on standard
// input and logs in with it to a running service.
func TestUserAddThenLogin(t *testing.T) {
	bin := buildVigil(t)
	data := t.TempDir()
	p := startVigil(t, bin, data, "")
	defer p.stop(t)
	if code, out, errOut := runBinary(t, bin, "three random words\n", "user", "add", "--data", data, "--name", "priya", "--role", "privacy_officer"); code != 0 {
		t.Fatalf("user add: exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runBinary(t, bin, "short\n", "user", "add", "--data", data, "--name", "kim", "--role", "board"); code != 1 || !strings.Contains(errOut, "at least 12") {
		t.Errorf("user add with a short password: exit %d %s", code, errOut)
	}
	for _, c := range []struct {
		pw   string
		want int
	}{{"three random words", 200}, {"wrong", 401}} {
		resp, err := crashClient.Post(p.Base+"/api/v1/login", "application/json",
			strings.NewReader(`{"name":"priya","password":"`+c.pw+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("login with %q: %d, want %d", c.pw, resp.StatusCode, c.want)
		}
	}
}
