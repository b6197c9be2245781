package serve

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestListenerRatesLive sends events to the HTTP listener of a running
// service: its last-minute rate rises above 0 in GET /api/v1/stats while
// syslog, set up and sent nothing, stays at 0 and HL7, not set up, is left
// out; the overview shows the hour chart by listener, marks syslog quiet
// and HL7 not set up.
func TestListenerRatesLive(t *testing.T) {
	cfg := testConfig(t)
	cfg.Syslog.TCP = "127.0.0.1:0"
	ts := startService(t, cfg)
	body := []byte(`{"Computer":"ward-pc-7","EventID":4625,"TargetUserName":"jsmith"}` + "\n" +
		`{"Computer":"ward-pc-8","EventID":4624,"TargetUserName":"anurse"}` + "\n")
	if n := ts.post(t, body); n != 2 {
		t.Fatalf("accepted %d events, want 2", n)
	}
	var st Stats
	waitFor(t, "a live rate for http", func() bool {
		ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
		return st.EventsPerMinute["http"].LastMinute > 0
	})
	if r := st.EventsPerMinute["http"]; r.LastFiveMinutes <= 0 {
		t.Errorf("http's rate over 5 minutes %v, want above 0", r.LastFiveMinutes)
	}
	if r, ok := st.EventsPerMinute["syslog"]; !ok || r.LastMinute != 0 || r.LastFiveMinutes != 0 {
		t.Errorf("syslog's rates %+v (listed: %v), want 0 and listed", r, ok)
	}
	if r, ok := st.EventsPerMinute[hl7Listener]; ok {
		t.Errorf("hl7, not set up, has rates %+v", r)
	}
	if st.EventsIn["http"] != 2 {
		t.Errorf("events_in for http %d, want 2 (unchanged by the rates)", st.EventsIn["http"])
	}
	code, _, page := ts.page(t, "GET", "/", testToken)
	if code != http.StatusOK {
		t.Fatalf("overview: %d", code)
	}
	for _, want := range []string{
		"Events received in the last hour, by listener",
		"2 events in the last hour, in 5-minute bars stacked by listener",
		`<td>http</td><td>receiving</td>`,
		`<td>syslog</td><td><strong class="clock-overdue">quiet</strong>: nothing in 5 minutes</td>`,
		`<td>hl7</td><td>not set up</td><td class="num">-</td>`,
		`<th scope="col" class="num">fhir</th><th scope="col" class="num">http</th><th scope="col" class="num">syslog</th><th scope="col" class="num">All</th>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the overview lacks %q", want)
		}
	}
}

// TestAPINodeOverviewFromEventStore: an API node runs no listener, so its
// stats have no live rates and its overview's hour chart is the event
// store's, saying so.
func TestAPINodeOverviewFromEventStore(t *testing.T) {
	cfg := testConfig(t)
	cfg.Role, cfg.Node = RoleAPI, "api-1"
	cfg.Store.Postgres = PostgresConfig{DSN: pgtest.SchemaDSN(t, t.TempDir()), MaxConns: 4}
	api := startService(t, cfg)
	var st map[string]any
	if code := api.do(t, "GET", "/api/v1/stats", testToken, nil, &st); code != http.StatusOK {
		t.Fatalf("stats: %d", code)
	}
	if r, ok := st["events_per_minute"]; ok {
		t.Errorf("the API node's stats have live rates %v", r)
	}
	if _, ok := st["events_in"]; !ok {
		t.Error("the API node's stats lack events_in")
	}
	code, _, page := api.page(t, "GET", "/", testToken)
	if code != http.StatusOK {
		t.Fatalf("overview: %d", code)
	}
	for _, want := range []string{"From the event store: the events stored in the last hour", "No listener runs in this process"} {
		if !strings.Contains(page, want) {
			t.Errorf("the API node's overview lacks %q", want)
		}
	}
	if strings.Contains(page, "by listener") {
		t.Error("the API node's overview shows a chart by listener")
	}
}
