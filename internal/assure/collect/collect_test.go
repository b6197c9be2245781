package collect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/assure/collect"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var at = time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)

// claims runs c and returns, per indicator, whether it holds.
func claims(t *testing.T, c assure.Collector) map[string]bool {
	t.Helper()
	evs, err := c.Collect(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range evs {
		if e.Summary == "" || !strings.HasPrefix(e.Source, "vigil:") || !e.Expires.After(at) {
			t.Errorf("evidence %s: summary %q, source %q, expires %v", e.ID, e.Summary, e.Source, e.Expires)
		}
		for _, id := range e.Indicators {
			if _, dup := got[id]; dup {
				t.Errorf("indicator %s claimed twice by %s", id, c.Name())
			}
			got[id] = e.Holds
		}
	}
	return got
}

func TestCollectors(t *testing.T) {
	tests := []struct {
		name string
		c    assure.Collector
		want map[string]bool
	}{
		{"no data at all", collect.MonitoringCollector(collect.Monitoring{}), map[string]bool{"C1.a.1": true}},
		{"hosts and gateways, none silent", collect.MonitoringCollector(collect.Monitoring{Events: 900, Sources: 12, Baselined: 10, HostSources: 10, NetworkSources: 2}),
			map[string]bool{"C1.a.1": false, "C1.a.5": true, "C1.a.4": false, "C1.a.8": true, "C1.a.13": true, "C2.a.1": false, "C2.a.2": false}},
		{"a silent source", collect.MonitoringCollector(collect.Monitoring{Events: 900, Sources: 12, Silent: 1, HostSources: 12}),
			map[string]bool{"C1.a.1": false, "C1.a.5": true}},
		{"logs read back", collect.LogsCollector(collect.Logs{Stores: []collect.StoreCheck{{Name: "events", Records: 5}}, TokenRequired: true}),
			map[string]bool{"C1.b.1": false, "C1.b.6": true}},
		{"logs open to others", collect.LogsCollector(collect.Logs{Stores: []collect.StoreCheck{{Name: "events", Records: 5}}, OpenToOthers: []string{"events/1.seg"}}),
			map[string]bool{"C1.b.1": true}},
		{"damaged log claims nothing", collect.LogsCollector(collect.Logs{Stores: []collect.StoreCheck{{Name: "alerts", Err: "bad frame"}}}), map[string]bool{}},
		{"alerts untriaged, fresh feed", collect.AlertsCollector(collect.Alerts{Events: 100, Total: 4, WithHost: 4, Incidents: 1, ThreatFeed: "KEV", ThreatFeedDate: at.AddDate(0, 0, -3)}),
			map[string]bool{"C1.c.2": false, "C1.c.5": false, "C1.c.7": true, "C1.c.10": true, "C1.c.15": true, "C1.c.3": false, "C1.c.8": true, "C1.c.13": true,
				"C1.c.4": false, "C1.c.9": true, "C1.c.14": true, "C1.c.6": false, "C1.d.1": false, "C1.d.5": true, "C1.d.7": true}},
		{"alerts triaged, stale feed, a hostless alert", collect.AlertsCollector(collect.Alerts{Total: 4, WithHost: 3, Triaged: 2, ClosedWithReason: 1, ThreatFeed: "KEV", ThreatFeedDate: at.AddDate(-1, 0, 0)}),
			map[string]bool{"C1.c.4": false, "C1.c.9": true, "C1.c.6": true, "C1.d.8": true, "C1.d.1": false, "C1.d.5": true, "C1.d.2": true}},
		{"estate all supported", collect.EstateCollector(collect.Estate{Assets: 3, SupportKnown: 3}), map[string]bool{"B4.d.1": false, "B4.d.6": true, "B4.d.14": true}},
		{"unsupported, mitigated", collect.EstateCollector(collect.Estate{Assets: 3, SupportKnown: 3, Unsupported: 1, Mitigated: 1}),
			map[string]bool{"B4.d.1": false, "B4.d.6": true, "B4.d.14": false, "B4.d.4": false, "B4.d.9": true}},
		{"unsupported, unmitigated", collect.EstateCollector(collect.Estate{Assets: 3, SupportKnown: 3, Unsupported: 2, Mitigated: 1}),
			map[string]bool{"B4.d.1": false, "B4.d.6": true, "B4.d.14": false, "B4.d.4": true}},
		{"no assets", collect.EstateCollector(collect.Estate{}), map[string]bool{}},
		{"training complete", collect.TrainingCollector(collect.Training{Staff: 10, Required: 20, Current: 19, Guided: 2}),
			map[string]bool{"B6.b.3": false, "B6.b.7": true, "B6.b.8": true, "B6.b.5": true}},
		{"training gaps", collect.TrainingCollector(collect.Training{Staff: 10, WithoutRecord: 3, Required: 20, Current: 10, Untrained: []string{"Estates"}}),
			map[string]bool{"B6.b.3": true, "B6.b.1": true, "B6.b.7": false, "B6.b.8": false}},
		{"phishing reported well", collect.PhishingCollector(collect.Phishing{Reports: 3, Campaigns: 1, ReportRate: 0.6, ClickRate: 0.1}), map[string]bool{"B6.a.2": false, "B6.a.10": true}},
		{"phishing clicked more than reported", collect.PhishingCollector(collect.Phishing{Campaigns: 2, ReportRate: 0.2, ClickRate: 0.3}), map[string]bool{"B6.a.10": false}},
		{"incidents without lessons", collect.IncidentsCollector(collect.Incidents{Total: 2, Closed: 2, ClosedWithNotes: 1}), map[string]bool{"D2.a.5": true, "D2.b.1": true}},
		{"incidents with lessons", collect.IncidentsCollector(collect.Incidents{Total: 2, Closed: 1, ClosedWithNotes: 1}), map[string]bool{"D2.a.5": true, "D2.b.1": false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := claims(t, tc.c)
			if len(got) != len(tc.want) {
				t.Errorf("claims %v, want %v", got, tc.want)
			}
			for id, w := range tc.want {
				if g, ok := got[id]; !ok || g != w {
					t.Errorf("%s: got %v (claimed %v), want %v", id, g, ok, w)
				}
			}
		})
	}
}

// Every indicator a collector may name exists in CAF v3.2, and the outcome
// it belongs to is the one the collector is for.
func TestCollectorsNameRealIndicators(t *testing.T) {
	f, err := assure.Load(sharedtest.Path(t, "caf", "caf-v3.2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	full := []assure.Collector{
		collect.MonitoringCollector(collect.Monitoring{Events: 1, Sources: 1, Baselined: 1, HostSources: 1, NetworkSources: 1}),
		collect.MonitoringCollector(collect.Monitoring{}),
		collect.LogsCollector(collect.Logs{Stores: []collect.StoreCheck{{Name: "x", Records: 1}}, TokenRequired: true}),
		collect.AlertsCollector(collect.Alerts{Events: 1, Total: 1, WithHost: 1, Incidents: 1, Triaged: 1, ClosedWithReason: 1, ThreatFeed: "KEV", ThreatFeedDate: at}),
		collect.AlertsCollector(collect.Alerts{ThreatFeed: "KEV", ThreatFeedDate: at.AddDate(-1, 0, 0)}),
		collect.EstateCollector(collect.Estate{Assets: 2, SupportKnown: 2, Unsupported: 1, Mitigated: 1}),
		collect.EstateCollector(collect.Estate{Assets: 2, SupportKnown: 2, Unsupported: 1}),
		collect.TrainingCollector(collect.Training{Staff: 1, WithoutRecord: 1, Required: 1, Untrained: []string{"x"}, Guided: 1}),
		collect.PhishingCollector(collect.Phishing{Reports: 1, Campaigns: 1}),
		collect.IncidentsCollector(collect.Incidents{Total: 1, Closed: 1}),
	}
	evs, err := assure.Collect(context.Background(), at, full...)
	if err != nil {
		t.Fatal(err)
	}
	if err := assure.CheckEvidence(f, evs); err != nil {
		t.Fatal(err)
	}
	answers, _ := assure.AnswersFrom(evs, at)
	assessed := 0
	for _, r := range assure.AssessAll(f, answers) {
		if r.Status != assure.Unassessed {
			assessed++
		}
	}
	// C1.a, C1.b, C1.c, C1.d, C2.a, B4.d, B6.a, B6.b, D2.a, D2.b
	if assessed != 10 {
		t.Errorf("%d outcomes assessed from Vigil's own data, want 10", assessed)
	}
}

// Evidence stops counting after Validity, so an old report's figures do
// not speak for today.
func TestEvidenceExpires(t *testing.T) {
	evs, err := collect.LogsCollector(collect.Logs{TokenRequired: true}).Collect(context.Background(), at)
	if err != nil || len(evs) != 1 {
		t.Fatalf("got %d items, %v", len(evs), err)
	}
	if a, _ := assure.AnswersFrom(evs, at.Add(collect.Validity)); len(a) != 0 {
		t.Errorf("evidence still counts after Validity: %v", a)
	}
	if a, _ := assure.AnswersFrom(evs, at.Add(collect.Validity-time.Hour)); !a["C1.b.6"] {
		t.Errorf("evidence does not count within Validity: %v", a)
	}
}

func TestCollectHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := collect.IncidentsCollector(collect.Incidents{Total: 1}).Collect(ctx, at); err == nil {
		t.Error("Collect with a cancelled context succeeded")
	}
}
