package scaletest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/serve"
	"github.com/vigilhealth/vigil/internal/sim"
)

// batchSize is how many events one POST carries.
const batchSize = 250

// demoBatches are the demo trust's three attacks over half an hour of its
// ordinary traffic, as NDJSON bodies of batchSize events. FHIR AuditEvents
// are left out: they have a route of their own.
var demoBatches = sync.OnceValues(func() ([][]byte, error) {
	trust := sim.NewTrust(7)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var evs []sim.Event
	for ev := range trust.Background(start, 30*time.Minute, 2) {
		evs = append(evs, ev)
	}
	for i, name := range sim.Scenarios() {
		sc, err := trust.Scenario(name, start.Add(time.Duration(i)*10*time.Minute), 60)
		if err != nil {
			return nil, err
		}
		evs = append(evs, sc.Events()...)
	}
	slices.SortStableFunc(evs, func(a, b sim.Event) int { return a.Time.Compare(b.Time) })
	var batches [][]byte
	var body []byte
	n := 0
	for _, ev := range evs {
		if ev.FHIR != nil {
			continue
		}
		line, err := ev.JSON()
		if err != nil {
			return nil, err
		}
		body = append(append(body, line...), '\n')
		if n++; n == batchSize {
			batches, body, n = append(batches, body), nil, 0
		}
	}
	if n > 0 {
		batches = append(batches, body)
	}
	return batches, nil
})

func batches(t *testing.T) [][]byte {
	t.Helper()
	b, err := demoBatches()
	if err != nil {
		t.Fatalf("build the demo trust's events: %v", err)
	}
	return b
}

// send posts batch to base's events route until it is acknowledged,
// sending it again after a refusal (429 while the stream has no quorum,
// 503) or a lost connection, as a log shipper would; it returns how many
// events were accepted.
func send(t *testing.T, base string, batch []byte) int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var last string
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("POST", base+"/api/v1/events", bytes.NewReader(batch))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/x-ndjson")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			last = err.Error()
		} else {
			var ans struct {
				Accepted int `json:"accepted"`
			}
			err = json.NewDecoder(resp.Body).Decode(&ans)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusOK && err == nil:
				return ans.Accepted
			case resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500:
				t.Fatalf("a batch sent to %s: status %d", base, resp.StatusCode)
			}
			last = fmt.Sprintf("status %d", resp.StatusCode)
		}
		time.Sleep(200 * time.Millisecond) // a shipper's back-off before sending again
	}
	t.Fatalf("a batch sent to %s was not acknowledged within 2 minutes: %s", base, last)
	return 0
}

// get decodes a GET of route on base into out.
func get(t *testing.T, base, route string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+route, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", base, route, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s%s: status %d", base, route, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s%s: %v", base, route, err)
	}
}

// alertSummary is the alerts of the API at base as sorted lines of rule,
// host, key and count: what must not depend on how many nodes detected.
func alertSummary(t *testing.T, base string) string {
	t.Helper()
	var ans struct {
		Alerts []*alert.Alert `json:"alerts"`
	}
	get(t, base, "/api/v1/alerts?limit=10000", &ans)
	lines := make([]string, len(ans.Alerts))
	for i, a := range ans.Alerts {
		lines[i] = fmt.Sprintf("%s host=%s key=%s count=%d", a.RuleID, strings.ToLower(a.Host), a.Key, a.Count)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// searches are the event searches whose counts must not depend on how
// many nodes stored the events: all of them, and a free-text term of the
// attacks.
var searches = []string{"", "vssadmin"}

// eventCounts is how many events each of searches matches on base.
func eventCounts(t *testing.T, base string) string {
	t.Helper()
	var out []string
	for _, q := range searches {
		var res struct {
			Matched int64 `json:"matched"`
		}
		get(t, base, "/api/v1/events?limit=1&q="+url.QueryEscape(q), &res)
		out = append(out, fmt.Sprintf("%q: %d", q, res.Matched))
	}
	return strings.Join(out, ", ")
}

// waitForEvents polls the API at base until its event searches match
// want: every acknowledged event stored once, none lost, none twice.
func waitForEvents(t *testing.T, base, want string) {
	t.Helper()
	var got string
	waitFor(t, settle, "the events searched on the API node to be the embedded service's", func() bool {
		got = eventCounts(t, base)
		return got == want
	})
}

// reference runs the embedded single process on every batch and returns
// its alerts, its event searches' counts (in ref.events) and the events
// it accepted.
func reference(t *testing.T, d *deployment) (summary string, accepted int) {
	t.Helper()
	summary, accepted = referenceOf(t, d, batches(t))
	if strings.Count(summary, "\n") < 10 {
		t.Fatalf("the embedded service raised too few alerts for a comparison:\n%s", summary)
	}
	return summary, accepted
}

// referenceOf is reference over bodies.
func referenceOf(t *testing.T, d *deployment, bodies [][]byte) (summary string, accepted int) {
	t.Helper()
	n := d.startNode("all")
	defer n.stop()
	for _, b := range bodies {
		accepted += send(t, n.base, b)
	}
	waitFor(t, 2*time.Minute, "the embedded detector to catch up", func() bool {
		var st serve.Stats
		get(t, n.base, "/api/v1/stats", &st)
		return st.Ready && st.EventsProcessed == st.LogPosition
	})
	summary = alertSummary(t, n.base)
	d.groups = incidentGrouping(t, n.base)
	// The searchable copy follows the log on its own, behind the detector:
	// wait until it holds every accepted event.
	want := fmt.Sprintf("%q: %d", "", accepted)
	waitFor(t, 2*time.Minute, "the embedded service's event store to hold every accepted event", func() bool {
		d.events = eventCounts(t, n.base)
		return strings.HasPrefix(d.events, want)
	})
	t.Logf("the embedded service accepted %d events and raised %d alerts", accepted, strings.Count(summary, "\n")+1)
	return summary, accepted
}

// waitForAlerts polls the API at base until its alerts are want, and fails
// the test with both when they are not within timeout.
func waitForAlerts(t *testing.T, base, want string, timeout time.Duration) {
	t.Helper()
	var got string
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if got = alertSummary(t, base); got == want {
			return
		}
		time.Sleep(250 * time.Millisecond) // polling the store
	}
	t.Fatalf("after %v the detect nodes' alerts differ from the embedded service's:\n%s", timeout, diff(want, got))
}

// diff lists the lines only one of a and b has.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for _, l := range w {
		if !slices.Contains(g, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond) // polling a condition
	}
}
