package serve

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/people"
)

// BenchmarkGuidanceOffer measures what guidance adds to the detector's
// path per committed alert: an alert fitting no topic (most), a repeat
// commit of an alert already considered, and a new alert for a person
// already given guidance on its topic this week.
func BenchmarkGuidanceOffer(b *testing.B) {
	dir, err := people.ReadStaffCSV(strings.NewReader(guidanceStaff), "staff.csv")
	if err != nil {
		b.Fatal(err)
	}
	newG := func() *guidance {
		guide := people.NewGuide(dir, people.GuideOptions{})
		return newGuidance(guide, nil, viaEmail, 1<<20, slog.New(slog.DiscardHandler))
	}
	spray := alert.Alert{ID: "a1", RuleTitle: "Twenty Failed Logons For One Account Within 10 Minutes", Level: "high",
		Tags: []string{"attack.credential-access", "attack.t1110", "attack.t1110.001"}, Host: "DC01", Key: "TargetUserName=a.khan"}
	cases := []struct {
		name  string
		alert func(i int) *alert.Alert
	}{
		{"no topic", func(i int) *alert.Alert {
			return &alert.Alert{ID: "x", RuleTitle: "Shadow Copies Deleted", Level: "high", Tags: []string{"attack.impact", "attack.t1490x"}, User: `NHT\a.khan`}
		}},
		{"repeat commit", func(i int) *alert.Alert { return &spray }},
		{"new alert, person throttled", func(i int) *alert.Alert {
			a := spray
			a.ID = fmt.Sprint("a", i)
			return &a
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			g := newG()
			g.offer(&spray) // the person's week starts
			alerts := make([]*alert.Alert, b.N)
			for i := range alerts {
				alerts[i] = c.alert(i + 2)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				g.offer(alerts[i])
			}
		})
	}
}
