package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
)

// adminSession makes a local administrator, ada, in data and logs her in
// through the API, returning her session's client and login answer (its
// CSRF token).
func adminSession(t *testing.T, ts *testService, data string) (*client, auth.LoginAnswer) {
	t.Helper()
	if err := auth.OpenUsers(data, auth.DefaultArgon2).Add("ada", auth.RoleAdmin, "three random words", false); err != nil {
		t.Fatal(err)
	}
	c := &client{ts: ts}
	code, body := c.call(t, "POST", "/api/v1/login", []byte(`{"name":"ada","password":"three random words"}`), "")
	var ans auth.LoginAnswer
	if code != 200 || json.Unmarshal(body, &ans) != nil || c.cookie == nil {
		t.Fatalf("login: %d %s", code, body)
	}
	return c, ans
}

// TestNotifyTargetsNeedTheSessionsCSRF: in a session, adding a target
// (console form or API), testing and removing one each need the
// session's CSRF token; without it nothing changes and nothing is sent.
func TestNotifyTargetsNeedTheSessionsCSRF(t *testing.T) {
	rec := &webhookRecorder{}
	hook := httptest.NewServer(rec)
	defer hook.Close()
	cfg := testConfig(t)
	ts := startService(t, cfg)
	c, ans := adminSession(t, ts, cfg.Data)
	listed := func() []NotifyTargetInfo {
		var l targetsAnswer
		if code := ts.apiJSON(t, "GET", "/api/v1/notify/targets", nil, &l); code != 200 {
			t.Fatalf("GET targets: %d", code)
		}
		return l.Targets
	}
	add := url.Values{"kind": {"webhook"}, "name": {"SOC"}, "url": {hook.URL + "/h"}, "min_level": {"high"}}
	if code, _ := c.form(t, "/settings/notify", add, ""); code != http.StatusForbidden || len(listed()) != 0 {
		t.Fatalf("add form without CSRF: %d, %d targets; want 403 and none", code, len(listed()))
	}
	api := []byte(`{"name":"by API","kind":"webhook","url":"` + hook.URL + `/a"}`)
	if code, _ := c.call(t, "POST", "/api/v1/notify/targets", api, ""); code != http.StatusForbidden || len(listed()) != 0 {
		t.Fatalf("API add in a session without CSRF: %d; want 403 and nothing added", code)
	}
	if code, page := c.form(t, "/settings/notify", add, ans.CSRFToken); code != http.StatusSeeOther {
		t.Fatalf("add form: %d\n%.400s", code, page)
	}
	ts1 := listed()
	if len(ts1) != 1 || ts1[0].CreatedBy != "ada" {
		t.Fatalf("after the add form: %+v, want one target added by ada", ts1)
	}
	id := ts1[0].ID
	if code, _ := c.call(t, "POST", "/api/v1/notify/targets/"+id+"/test", nil, ""); code != http.StatusForbidden {
		t.Errorf("test without CSRF: %d, want 403", code)
	}
	if a, _ := rec.received(); len(a) != 0 {
		t.Errorf("a test without CSRF was sent: %+v", a)
	}
	code, page := c.form(t, "/settings/notify/test", url.Values{"id": {id}}, ans.CSRFToken)
	if a, _ := rec.received(); code != 200 || !strings.Contains(page, "Test notification to SOC: delivered") || len(a) != 1 {
		t.Errorf("test form: %d, %d received\n%.400s", code, len(a), page)
	}
	if code, _ := c.call(t, "DELETE", "/api/v1/notify/targets/"+id, nil, ""); code != http.StatusForbidden || len(listed()) != 1 {
		t.Errorf("DELETE without CSRF: %d, want 403 and the target kept", code)
	}
	if code, _ := c.call(t, "DELETE", "/api/v1/notify/targets/"+id, nil, ans.CSRFToken); code != http.StatusNoContent || len(listed()) != 0 {
		t.Errorf("DELETE with CSRF: %d, want 204 and no target", code)
	}
}
