package serve

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

type searchAnswer struct {
	Events []struct {
		Seq       uint64            `json:"seq"`
		Time      time.Time         `json:"time"`
		Host      string            `json:"host"`
		Source    string            `json:"source"`
		LogSource map[string]string `json:"logsource"`
		Fields    map[string]any    `json:"fields"`
	} `json:"events"`
	Matched   int64 `json:"matched"`
	Scanned   int64 `json:"scanned"`
	Truncated bool  `json:"truncated"`
	Histogram []struct {
		Start time.Time `json:"start"`
		Count int64     `json:"count"`
	} `json:"histogram"`
}

// flatEvents returns n NDJSON events, event i on host "pas0<i%3>".
func flatEvents(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"@timestamp":"2024-06-03T09:%02d:%02dZ","Computer":"pas0%d","EventID":%d,"User":"nurse%d","Message":"login from ward %d","logsource":{"product":"linux","service":"auth"}}`+"\n",
			i/60%60, i%60, i%3, 4624+i%2, i%5, i)
	}
	return b.Bytes()
}

func TestEventsSearchable(t *testing.T) {
	ts := startService(t, testConfig(t))
	if n := ts.post(t, flatEvents(30)); n != 30 {
		t.Fatalf("accepted %d", n)
	}
	var st Stats
	waitFor(t, "30 events in the event store", func() bool {
		ts.do(t, "GET", "/api/v1/stats", testToken, nil, &st)
		return st.EventsStored == 30 && st.StorePosition == 30
	})
	if st.LogPosition != 30 || st.StorePosition != 30 {
		t.Fatalf("stats %+v: want log and store at 30", st)
	}
	tests := []struct {
		q       string
		matched int64
	}{
		{"host:pas01 EventID:4625", 5},
		{`"ward 17"`, 1},
		{"nurse3 OR nurse4", 12},
		{"-product:linux", 0},
		{"", 30},
	}
	for _, tt := range tests {
		var got searchAnswer
		route := "/api/v1/events?buckets=3&limit=4&q=" + url.QueryEscape(tt.q)
		if code := ts.do(t, "GET", route, testToken, nil, &got); code != http.StatusOK {
			t.Fatalf("GET %s: status %d", route, code)
		}
		var sum int64
		for _, b := range got.Histogram {
			sum += b.Count
		}
		if got.Matched != tt.matched || sum != tt.matched || len(got.Events) != int(min(4, tt.matched)) || got.Truncated != (tt.matched > 4) {
			t.Errorf("%q: %+v, want %d matched, histogram adding up", tt.q, got, tt.matched)
		}
	}
	var got searchAnswer
	ts.do(t, "GET", "/api/v1/events?q="+url.QueryEscape(`"ward 17"`), testToken, nil, &got)
	if e := got.Events[0]; e.Host != "pas02" || e.LogSource["product"] != "linux" || e.Fields["User"] != "nurse2" || e.Time.Format(time.RFC3339) != "2024-06-03T09:00:17Z" {
		t.Errorf("hit %+v does not describe event 17", e)
	}
	ts.do(t, "GET", "/api/v1/events?since=2024-06-03T09:00:25Z&until=2024-06-03T09:00:28Z", testToken, nil, &got)
	if got.Matched != 3 {
		t.Errorf("time range: %d matched, want 3", got.Matched)
	}
}

func TestEventsSearchErrors(t *testing.T) {
	ts := startService(t, testConfig(t))
	tests := []struct {
		route, want string
		code        int
	}{
		{"/api/v1/events?q=" + url.QueryEscape("host:x )"), "parameter q: query column 8", http.StatusBadRequest},
		{"/api/v1/events?limit=0", "parameter limit", http.StatusBadRequest},
		{"/api/v1/events?buckets=5000", "parameter buckets", http.StatusBadRequest},
		{"/api/v1/events?since=yesterday", "parameter since", http.StatusBadRequest},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", ts.base+tt.route, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.code || !strings.Contains(string(body), tt.want) {
			t.Errorf("GET %s: %d %s, want %d naming %q", tt.route, resp.StatusCode, body, tt.code, tt.want)
		}
	}
	if code := ts.do(t, "GET", "/api/v1/events", "", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/events without token: %d, want 401", code)
	}
	resp, err := http.Get(ts.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"vigil_events_stored 0", "vigil_event_store_bytes", "vigil_event_store_position 0", "vigil_event_store_lag_records 0"} {
		if !strings.Contains(string(body), m) {
			t.Errorf("metrics lack %q", m)
		}
	}
}

// TestLogTruncation runs with tiny log segments and quick maintenance: the
// log loses its old segments once both the detector and the event store
// have passed them, and never one that either still needs.
func TestLogTruncation(t *testing.T) {
	t.Cleanup(setVars(&walSegmentBytes, 4<<10))
	t.Cleanup(setVars(&maintainEvery, 20*time.Millisecond))
	t.Cleanup(setVars(&eventsSyncEvery, time.Millisecond))
	ts := startService(t, testConfig(t))
	for range 5 {
		ts.post(t, flatEvents(60))
	}
	s := ts.svc
	waitFor(t, "old log segments deleted", func() bool {
		first := s.wal.Stats().First
		if low := lowestFloor(s); first > low {
			t.Fatalf("the log starts at %d, past the record %d a consumer needs", first, low)
		}
		return first > 1 && s.evf.pos.Load() == 300 && s.processed.Load() == 300
	})
	var got searchAnswer
	ts.do(t, "GET", "/api/v1/events?limit=1&q=", testToken, nil, &got)
	if got.Matched != 300 {
		t.Fatalf("the event store holds %d events, want all 300 after the log was truncated", got.Matched)
	}
}

func lowestFloor(s *Service) uint64 {
	low := uint64(1<<64 - 1)
	for _, f := range s.floors {
		low = min(low, f())
	}
	return low
}

func TestTruncateLogStopsAtTheLowestFloor(t *testing.T) {
	t.Cleanup(setVars(&walSegmentBytes, 1<<10))
	t.Cleanup(setVars(&maintainEvery, time.Hour)) // only the explicit calls below
	ts := startService(t, testConfig(t))
	ts.post(t, flatEvents(100))
	s := ts.svc
	waitFor(t, "the detector and the store at 100", func() bool { return s.processed.Load() == 100 && s.evf.pos.Load() == 100 })
	saved := s.floors
	defer func() { s.floors = saved }()
	tests := []struct {
		floors []uint64
		want   uint64 // the log must start at or before it
	}{
		{[]uint64{1, 90}, 1},
		{[]uint64{40, 90}, 40},
		{[]uint64{90, 60}, 60},
	}
	for _, tt := range tests {
		s.floors = nil
		for _, f := range tt.floors {
			s.floors = append(s.floors, func() uint64 { return f })
		}
		if err := s.truncateLog(); err != nil {
			t.Fatal(err)
		}
		if first := s.wal.Stats().First; first > tt.want || (tt.want > 20 && first < tt.want-20) {
			t.Errorf("floors %v: the log starts at %d, want at most %d and within a segment of it", tt.floors, first, tt.want)
		}
	}
}

// setVars sets *p to v and returns what puts the old value back.
func setVars[T any](p *T, v T) func() {
	old := *p
	*p = v
	return func() { *p = old }
}

func TestSearchQueryTimes(t *testing.T) {
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	q, err := searchQuery(url.Values{"since": {"24h"}, "until": {"2025-05-01T11:00:00Z"}}, now)
	if err != nil || !q.Since.Equal(now.Add(-24*time.Hour)) || !q.Until.Equal(now.Add(-time.Hour)) || q.Limit != eventstore.DefaultLimit {
		t.Fatalf("searchQuery = %+v, %v", q, err)
	}
}
