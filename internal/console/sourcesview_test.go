package console

import (
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/flow"
)

func TestSourcesView(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	srcs := []Source{
		{Listener: "syslog", Host: "fw-1", LastSeen: now.Add(-10 * time.Second), Observed: 9000, Expected: 8700, State: "ok"},
		{Listener: "http", Host: "pas-01", Kind: "fhir", LastSeen: now.Add(-75 * time.Minute), Observed: 0, Expected: 600, State: flow.KindSilent},
		{Listener: "hl7", Host: "epr", LastSeen: now.Add(-time.Minute), Observed: 15, Expected: -1, State: flow.KindSurge},
	}
	v := newSourcesView(srcs, 30*time.Minute, now)
	if v.Quiet != 1 || len(v.Sources) != 3 || v.Window != "30 minutes" {
		t.Fatalf("view %+v", v)
	}
	tests := []struct {
		i                                    int
		host, state, rate, normal, ago, seen string
		quiet                                bool
	}{
		{0, "pas-01", "gone quiet", "none", "20 a minute", "1 hour 15 minutes ago", "2 Mar 2026 08:45 GMT", true},
		{1, "fw-1", "sending as usual", "300 a minute", "290 a minute", "less than a minute ago", "2 Mar 2026 09:59 GMT", false},
		{2, "epr", "sending much more than usual", "0.5 a minute", "still learning", "1 minute ago", "2 Mar 2026 09:59 GMT", false},
	}
	for _, tc := range tests {
		r := v.Sources[tc.i]
		if r.Host != tc.host || r.State != tc.state || r.Rate != tc.rate || r.Normal != tc.normal || r.Ago != tc.ago || r.LastSeen != tc.seen || r.Quiet != tc.quiet {
			t.Errorf("row %d: %+v\nwant host %s state %q rate %q normal %q ago %q seen %q quiet %v", tc.i, r, tc.host, tc.state, tc.rate, tc.normal, tc.ago, tc.seen, tc.quiet)
		}
	}
	if e := newSourcesView(nil, time.Minute, now); len(e.Sources) != 0 || e.Quiet != 0 {
		t.Errorf("no sources: %+v", e)
	}
}
