package serve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/people"
)

// request sends one request with a token and content type and returns
// the answer.
func (ts *testService) request(t *testing.T, method, route, token, ctype string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, ts.base+route, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPhishingReportsAreKept(t *testing.T) {
	cfg := testConfig(t)
	cfg.People.Mailbox = "report-phishing@trust.example"
	ts := startService(t, cfg)
	tokens := roleTokens(t, cfg.Data)
	report := readFile(t, "..", "people", "testdata", "report.json")
	mail := readFile(t, "..", "people", "testdata", "forwarded-attached.eml")
	// None yet: an empty list, not null, for clients that iterate it.
	if body := readBody(t, ts.request(t, "GET", "/api/v1/phishing-reports", tokens[auth.RoleAnalyst], "", nil)); !strings.Contains(body, `"reports":[]`) {
		t.Errorf("GET reports before any: %s, want \"reports\":[]", body)
	}
	cases := []struct {
		name, token, ctype string
		body               []byte
		want               int
	}{
		{"board member in the console", tokens[auth.RoleBoard], "application/json", report, http.StatusCreated},
		{"mail gateway forwards the mailbox", tokens[auth.RoleIngest], "message/rfc822", mail, http.StatusCreated},
		{"malformed JSON", tokens[auth.RoleAnalyst], "application/json", []byte(`{"reporter": 7}`), http.StatusBadRequest},
		{"malformed mail", tokens[auth.RoleIngest], "message/rfc822", []byte("no headers here"), http.StatusBadRequest},
		{"no credentials", "", "application/json", report, http.StatusUnauthorized},
	}
	for _, c := range cases {
		resp := ts.request(t, "POST", "/api/v1/phishing-reports", c.token, c.ctype, c.body)
		if body := readBody(t, resp); resp.StatusCode != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, resp.StatusCode, body, c.want)
		}
	}
	var got struct {
		Reports []people.Report `json:"reports"`
		Total   int             `json:"total"`
		Mailbox string          `json:"mailbox"`
	}
	if code := ts.do(t, "GET", "/api/v1/phishing-reports", tokens[auth.RoleAnalyst], nil, &got); code != http.StatusOK {
		t.Fatalf("GET reports: %d", code)
	}
	if got.Total != 2 || got.Reports[0].Via != "mailbox" || got.Reports[1].Via != "api" || got.Mailbox != cfg.People.Mailbox {
		t.Fatalf("reports %+v", got)
	}
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	st, err := people.OpenStore(cfg.Data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if kept, err := st.Reports(context.Background()); err != nil || len(kept) != 2 {
		t.Errorf("%d reports kept after the service stopped, want 2 (%v)", len(kept), err)
	}
}

// pulseConfig imports a directory of 30 staff in two groups and sites and
// opens a round.
func pulseConfig(t *testing.T) Config {
	cfg := testConfig(t)
	cfg.People.PulseRounds = []string{"2026-Q3"}
	var b strings.Builder
	b.WriteString("staff_id,name,email,staff_group,site\n")
	for i := range 30 {
		group, site := "Nursing", "North"
		if i%3 == 0 {
			group = "Medical"
		}
		if i%2 == 0 {
			site = "South"
		}
		fmt.Fprintf(&b, "%d,Person %d,p%d@trust.example,%s,%s\n", i, i, i, group, site)
	}
	staff := filepath.Join(t.TempDir(), "staff.csv")
	if err := os.WriteFile(staff, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := people.OpenStore(cfg.Data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Import(context.Background(), people.ImportFiles{Staff: staff}, time.Now()); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestPulseByLink(t *testing.T) {
	cfg := pulseConfig(t)
	ts := startService(t, cfg)
	link := ts.svc.people.PulseLink("2026-Q3")
	for _, c := range []struct {
		route string
		want  int
	}{
		{"/pulse/2026-Q3?t=" + link, http.StatusOK},
		{"/pulse/2026-Q3", http.StatusNotFound},
		{"/pulse/2026-Q3?t=" + strings.Repeat("0", 32), http.StatusNotFound},
		{"/pulse/2026-Q4?t=" + ts.svc.people.PulseLink("2026-Q4"), http.StatusNotFound}, // not an open round
	} {
		resp := ts.request(t, "GET", c.route, "", "", nil)
		body := readBody(t, resp)
		if resp.StatusCode != c.want {
			t.Errorf("GET %s: %d, want %d", c.route, resp.StatusCode, c.want)
		}
		if len(resp.Cookies()) > 0 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: cookies %v, Cache-Control %q", c.route, resp.Cookies(), resp.Header.Get("Cache-Control"))
		}
		if c.want == http.StatusOK && (!strings.Contains(body, "<option>Medical</option>") || !strings.Contains(body, `name="trust"`)) {
			t.Errorf("the form lacks the groups or questions:\n%s", body)
		}
	}
	answer := func(group, site, role string, token string) (int, string) {
		form := url.Values{"t": {token}, "staff_group": {group}, "site": {site}, "role": {role}, "training": {"yes"}}
		resp := ts.request(t, "POST", "/pulse/2026-Q3", "", "application/x-www-form-urlencoded", []byte(form.Encode()))
		return resp.StatusCode, readBody(t, resp)
	}
	for i := range 24 {
		group := []string{"Nursing", "Medical"}[i%2]
		if code, body := answer(group, []string{"North", "South"}[i/2%2], "agree", link); code != http.StatusOK || !strings.Contains(body, "Thank you") {
			t.Fatalf("answer %d: %d %s", i, code, body)
		}
	}
	for _, bad := range []struct {
		group, role, token string
		want               int
	}{
		{"Astronauts", "agree", link, http.StatusBadRequest},
		{"Nursing", "maybe", link, http.StatusBadRequest},
		{"Nursing", "agree", "", http.StatusNotFound},
	} {
		if code, body := answer(bad.group, "North", bad.role, bad.token); code != bad.want {
			t.Errorf("answer %+v: %d %s", bad, code, body)
		}
	}
	tokens := roleTokens(t, cfg.Data)
	var res struct {
		Rounds []people.PulseResults `json:"rounds"`
	}
	if code := ts.do(t, "GET", "/api/v1/pulse?round=2026-Q3", tokens[auth.RoleBoard], nil, &res); code != http.StatusOK {
		t.Fatalf("GET pulse: %d", code)
	}
	if len(res.Rounds) != 1 || res.Rounds[0].Respondents != 24 || len(res.Rounds[0].Groups) != 2 {
		t.Fatalf("results %+v", res)
	}
	if code := ts.do(t, "GET", "/api/v1/pulse?round=2026-13", tokens[auth.RoleBoard], nil, nil); code != http.StatusBadRequest {
		t.Errorf("a bad round: %d, want 400", code)
	}
}

func TestPulseIsRateLimited(t *testing.T) {
	ts := startService(t, pulseConfig(t))
	route := "/pulse/2026-Q3?t=" + ts.svc.people.PulseLink("2026-Q3")
	for i := range pulseRequestsPerWindow {
		if resp := ts.request(t, "GET", route, "", "", nil); readBody(t, resp) == "" || resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	resp := ts.request(t, "GET", route, "", "", nil)
	readBody(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("request over the limit: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestPeopleConfigErrorsNameTheKey(t *testing.T) {
	for _, c := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) { c.People.Mailbox = "not an address" }, "people.mailbox"},
		{func(c *Config) { c.People.PulseRounds = []string{"2026-Q3", "Q3"} }, "people.pulse_rounds[1]"},
	} {
		cfg := testConfig(t)
		c.set(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one naming %s", err, c.want)
		}
	}
}
