package serve

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
)

// send makes a request with the test token and returns the status and the
// raw answer.
func (ts *testService) send(t *testing.T, method, route, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.base+route, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, route, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func decode(t *testing.T, data []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, data)
	}
}

// firstAlert posts the WannaCry sample and waits for its alert with count n.
func firstAlert(t *testing.T, ts *testService, body []byte, n int) *alert.Alert {
	t.Helper()
	ts.post(t, body)
	var got alertsAnswer
	waitFor(t, "the WannaCry alert", func() bool {
		got = alertsAnswer{}
		ts.do(t, "GET", "/api/v1/alerts", testToken, nil, &got)
		return len(got.Alerts) == 1 && got.Alerts[0].Count == n
	})
	return got.Alerts[0]
}

func TestAlertAndIncidentChanges(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	body := readFile(t, "..", "..", "rules", "testdata", "win_system_wannacry_service_install", "match.jsonl")
	a := firstAlert(t, ts, body, 2)
	tests := []struct {
		name, method, route, body string
		code                      int
		want                      string // in the answer
	}{
		{"get an alert", "GET", "/api/v1/alerts/" + a.ID, "", 200, `"id":"` + a.ID + `"`},
		{"get an unknown alert", "GET", "/api/v1/alerts/nope", "", 404, `"error":"no alert with id \"nope\""`},
		{"get an unknown incident", "GET", "/api/v1/incidents/nope", "", 404, `"error"`},
		{"acknowledge and assign", "POST", "/api/v1/alerts/" + a.ID, `{"status":"acknowledged","assignee":"soc1","comment":"on it","by":"soc1"}`, 200,
			`"status":"acknowledged","assignee":"soc1","history":[{"at":`},
		{"a bad status", "POST", "/api/v1/alerts/" + a.ID, `{"status":"done","by":"soc1"}`, 400, `field status: \"done\" is not open, acknowledged or closed`},
		{"closing without a reason", "POST", "/api/v1/alerts/" + a.ID, `{"status":"closed","by":"soc1"}`, 400, `field reason: closing needs a reason`},
		{"an unknown field", "POST", "/api/v1/alerts/" + a.ID, `{"state":"closed"}`, 400, `body: json: unknown field \"state\"`},
		{"not JSON", "POST", "/api/v1/alerts/" + a.ID, `status=closed`, 400, `"error":"body:`},
		{"change an unknown alert", "POST", "/api/v1/alerts/nope", `{"status":"acknowledged"}`, 404, `no alert with id`},
		{"close an incident", "POST", "/api/v1/incidents/" + a.IncidentID, `{"status":"closed","reason":"true_positive","by":"lead"}`, 200,
			`"status":"closed"`},
		{"an incident with its alerts", "GET", "/api/v1/incidents/" + a.IncidentID, "", 200, `"alerts":[{"id":"` + a.ID + `"`},
	}
	for _, tc := range tests {
		code, data := ts.send(t, tc.method, tc.route, tc.body)
		if code != tc.code || !bytes.Contains(data, []byte(tc.want)) {
			t.Errorf("%s: %d %s\nwant %d with %s", tc.name, code, data, tc.code, tc.want)
		}
	}
	req, _ := http.NewRequest("POST", ts.base+"/api/v1/alerts/"+a.ID, strings.NewReader(`{"status":"closed","reason":"benign"}`))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a change without the token: %v %v, want 401", resp, err)
	}

	// The detector counts the alert again: the person's status, assignee
	// and history stay.
	again := firstAlert(t, ts, body, 4)
	if again.Status != "acknowledged" || again.Assignee != "soc1" || len(again.History) != 3 {
		t.Fatalf("after the detector counted it again: status %q, assignee %q, history %+v", again.Status, again.Assignee, again.History)
	}
	// And after a restart.
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	ts = startService(t, cfg)
	code, data := ts.send(t, "GET", "/api/v1/alerts/"+a.ID, "")
	var got alert.Alert
	decode(t, data, &got)
	if code != 200 || got.Status != "acknowledged" || got.Assignee != "soc1" || got.Count != 4 {
		t.Fatalf("after a restart: %d %+v", code, got)
	}
}
