package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/flow"
)

// fakeClock is a clock the test moves on.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) Now() time.Time       { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Set(t time.Time)      { c.ns.Store(t.UnixNano()) }
func newFakeClock(t time.Time) *fakeClock { c := &fakeClock{}; c.Set(t); return c }

type sourcesAnswer struct {
	Sources []SourceStatus `json:"sources"`
}

func flowConfig(t *testing.T, clk *fakeClock) Config {
	cfg := testConfig(t)
	cfg.Flow.CheckEvery = 10 * time.Millisecond
	cfg.Flow.Watch = flow.Options{Clock: clk.Now, Location: time.UTC}
	return cfg
}

// feedEvents is n events from host, as an NDJSON body.
func feedEvents(host string, n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"Channel":"Application","EventID":1,"Computer":%q,"Message":"result %d"}`+"\n", host, i)
	}
	return []byte(b.String())
}

func TestSilentSourceRaisesAlert(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clk := newFakeClock(t0)
	cfg := flowConfig(t, clk)
	ts := startService(t, cfg)

	// Ninety minutes of ten events a minute, then half an hour of nothing.
	for i := range 90 {
		clk.Set(t0.Add(time.Duration(i)*time.Minute + time.Second))
		if n := ts.post(t, feedEvents("LAB-FEED-01", 10)); n != 10 {
			t.Fatalf("accepted %d events, want 10", n)
		}
	}
	var src sourcesAnswer
	ts.do(t, "GET", "/api/v1/sources", testToken, nil, &src)
	if len(src.Sources) != 1 || src.Sources[0].Listener != "http" || src.Sources[0].Host != "LAB-FEED-01" || src.Sources[0].State != "ok" {
		t.Fatalf("sources while sending: %+v, want one http source from LAB-FEED-01, ok", src.Sources)
	}
	clk.Set(t0.Add(120 * time.Minute))

	var got alertsAnswer
	waitFor(t, "a vigil-flow-silent alert", func() bool {
		got = alertsAnswer{}
		ts.do(t, "GET", "/api/v1/alerts?rule=vigil-flow-silent", testToken, nil, &got)
		return len(got.Alerts) > 0
	})
	a := got.Alerts[0]
	if len(got.Alerts) != 1 || a.Level != "medium" || a.Host != "LAB-FEED-01" || a.Key != "http/" || a.Status != "open" {
		t.Errorf("flow alerts %+v, want one open medium alert for LAB-FEED-01 keyed http/", got.Alerts)
	}
	if msg, _ := a.Event["message"].(string); msg == "" {
		t.Errorf("alert event %v lacks the finding's message", a.Event)
	}
	ts.do(t, "GET", "/api/v1/sources", testToken, nil, &src)
	if len(src.Sources) != 1 || src.Sources[0].State != flow.KindSilent {
		t.Errorf("sources after the silence: %+v, want the one source silent", src.Sources)
	}

	// The profile is saved at shutdown and loaded at the next start.
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(cfg.Data, flowFile)); err != nil || fi.Size() == 0 {
		t.Fatalf("saved profile: %v, %v; want a non-empty %s", fi, err, flowFile)
	}
	ts2 := startService(t, cfg)
	src = sourcesAnswer{}
	ts2.do(t, "GET", "/api/v1/sources", testToken, nil, &src)
	if len(src.Sources) != 1 || src.Sources[0].Host != "LAB-FEED-01" {
		t.Errorf("sources after restart: %+v, want the source learned before", src.Sources)
	}
	var again alertsAnswer
	ts2.do(t, "GET", "/api/v1/alerts?rule=vigil-flow-silent", testToken, nil, &again)
	if len(again.Alerts) != 1 || again.Alerts[0].ID != a.ID {
		t.Errorf("flow alerts after restart: %+v, want the one committed before", again.Alerts)
	}
}

func TestRecoveryUpdatesFlowAlert(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clk := newFakeClock(t0)
	ts := startService(t, flowConfig(t, clk))
	for i := range 90 {
		clk.Set(t0.Add(time.Duration(i)*time.Minute + time.Second))
		ts.post(t, feedEvents("LAB-FEED-02", 10))
	}
	clk.Set(t0.Add(120 * time.Minute))
	var got alertsAnswer
	waitFor(t, "a vigil-flow-silent alert", func() bool {
		got = alertsAnswer{}
		ts.do(t, "GET", "/api/v1/alerts?rule=vigil-flow-silent", testToken, nil, &got)
		return len(got.Alerts) > 0
	})
	raisedAt := got.Alerts[0].LastSeen
	clk.Set(t0.Add(121 * time.Minute))
	ts.post(t, feedEvents("LAB-FEED-02", 10))
	waitFor(t, "the flow alert to record the recovery", func() bool {
		got = alertsAnswer{}
		ts.do(t, "GET", "/api/v1/alerts?rule=vigil-flow-silent", testToken, nil, &got)
		return len(got.Alerts) == 1 && got.Alerts[0].Event["recovered"] == true
	})
	if !got.Alerts[0].LastSeen.After(raisedAt) {
		t.Errorf("last_seen %v after recovery, want later than %v", got.Alerts[0].LastSeen, raisedAt)
	}
}

func TestFlowKey(t *testing.T) {
	tests := []struct {
		source, host, hl7 string
		want              flow.Key
	}{
		{"http", "WS-1", "", flow.Key{Listener: "http", Host: "WS-1"}},
		{"syslog/udp", "fw-1", "", flow.Key{Listener: "syslog", Host: "fw-1"}},
		{"hl7/mllp", "PATH-LIS", "ORU^R01", flow.Key{Listener: "hl7", Host: "PATH-LIS", Kind: "ORU^R01"}},
	}
	for _, tt := range tests {
		var ev event.Event
		ev.Source, ev.Host = tt.source, tt.host
		if tt.hl7 != "" {
			ev.Set("hl7.type", tt.hl7)
		}
		if got := flowKey(&ev); got != tt.want {
			t.Errorf("flowKey(source %q, host %q, hl7.type %q) = %+v, want %+v", tt.source, tt.host, tt.hl7, got, tt.want)
		}
	}
}

func TestFlowConfigValidate(t *testing.T) {
	for _, key := range []string{"check_every", "save_every"} {
		cfg := DefaultConfig()
		if key == "check_every" {
			cfg.Flow.CheckEvery = 0
		} else {
			cfg.Flow.SaveEvery = -time.Second
		}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "config key flow."+key+":") {
			t.Errorf("Validate() with a bad %s = %v, want an error naming flow.%s", key, err, key)
		}
	}
}
