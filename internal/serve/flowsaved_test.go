package serve

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/pgstore"
)

// TestMergeSources: the saved judgement takes the stored events' count
// and latest time of its listener and host (hosts in any case, listeners
// with their transport), unless several message types share them; the
// stored sources no profile holds follow, unjudged.
func TestMergeSources(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	judged := func(listener, host, kind, state string, expected float64) flow.SourceStatus {
		return flow.SourceStatus{Key: flow.Key{Listener: listener, Host: host, Kind: kind}, LastSeen: t0, Expected: expected, State: state}
	}
	seen := func(source, host string, n int64, at time.Time) pgstore.SourceSeen {
		return pgstore.SourceSeen{Source: source, Host: host, Events: n, LastStored: at}
	}
	tests := []struct {
		name   string
		judged []flow.SourceStatus
		seen   []pgstore.SourceSeen
		want   string
	}{
		{
			name:   "silent source with no events",
			judged: []flow.SourceStatus{judged("http", "LAB-01", "", flow.KindSilent, 300)},
			want:   "http LAB-01  0 300 silent 09:00",
		},
		{
			name:   "counts of both transports, host in lower case",
			judged: []flow.SourceStatus{judged("syslog", "FW-01", "", "ok", 50)},
			seen:   []pgstore.SourceSeen{seen("syslog/udp", "fw-01", 30, t0.Add(time.Minute)), seen("syslog/tcp", "fw-01", 12, t0.Add(-time.Minute))},
			want:   "syslog FW-01  42 50 ok 09:01",
		},
		{
			name:   "message types share the count",
			judged: []flow.SourceStatus{judged("hl7", "EPR", "ADT^A01", "ok", 20), judged("hl7", "EPR", "ORU^R01", flow.KindDrop, 40)},
			seen:   []pgstore.SourceSeen{seen("hl7", "epr", 55, t0.Add(time.Minute))},
			want:   "hl7 EPR ADT^A01 0 20 ok 09:00\nhl7 EPR ORU^R01 0 40 drop 09:00",
		},
		{
			name:   "stored source without a profile",
			judged: []flow.SourceStatus{judged("http", "LAB-01", "", "ok", 300)},
			seen:   []pgstore.SourceSeen{seen("fhir", "pas", 7, t0.Add(2*time.Minute))},
			want:   "http LAB-01  0 300 ok 09:00\nfhir pas  7 -1 ok 09:02",
		},
		{
			name: "no profile saved yet",
			seen: []pgstore.SourceSeen{seen("http", "lab-01", 9, t0)},
			want: "http lab-01  9 -1 ok 09:00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderSources(mergeSources(tt.judged, tt.seen)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func renderSources(ss []console.Source) string {
	lines := make([]string, len(ss))
	for i, s := range ss {
		lines[i] = fmt.Sprintf("%s %s %s %.0f %.0f %s %s", s.Listener, s.Host, s.Kind, s.Observed, s.Expected, s.State, s.LastSeen.Format("15:04"))
	}
	return strings.Join(lines, "\n")
}
