package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// sampleFacts is a quarter with every status in the heat map and alerts
// of three levels, one of them triaged.
func sampleFacts(t *testing.T) *Facts {
	t.Helper()
	fw, err := assure.Load(sharedtest.Path(t, "caf", "caf-v3.2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ParsePeriod("2026-Q3")
	f := &Facts{Period: p, Generated: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC), Framework: fw}
	statuses := []assure.Status{assure.Achieved, assure.PartiallyAchieved, assure.NotAchieved, assure.Unassessed}
	for i, o := range fw.Outcomes() {
		f.Results = append(f.Results, assure.Result{Outcome: o.Code, Status: statuses[i%4]})
	}
	f.Target, _ = fw.Profile(TargetProfile)
	f.Gaps = assure.Gaps(fw, f.Results, f.Target)
	seen := time.Date(2026, 8, 3, 10, 0, 0, 0, time.UTC)
	for i, l := range []string{"critical", "high", "high", "medium", "medium", "medium"} {
		a := &alert.Alert{ID: l + string(rune('a'+i)), Level: l, Host: "WS1", FirstSeen: seen, LastSeen: seen, Status: "open"}
		if i == 0 {
			a.Status = "closed"
			a.History = []alert.Note{{At: seen.Add(30 * time.Minute), By: "ana", Action: "status", Text: "open to closed (true_positive)"}}
		}
		f.Alerts = append(f.Alerts, a)
	}
	return f
}

// The board pack's PDF is valid, and rendered, its heat map cells and
// chart bars are drawn in their colours where the layout put them.
func TestBoardPDFRendersHeatMapAndCharts(t *testing.T) {
	doc := Board(sampleFacts(t))
	laid := layoutPDF(doc)
	var buf bytes.Buffer
	if _, err := laid.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	pages := checkPDF(t, buf.Bytes())
	if pages != len(laid.pages) || pages < 3 {
		t.Fatalf("%d pages, laid out %d; want at least 3", pages, len(laid.pages))
	}
	const dpi = 72
	imgs := rasterise(t, buf.Bytes(), dpi)
	if len(imgs) != pages {
		t.Fatalf("pdftoppm rendered %d pages of %d", len(imgs), pages)
	}
	checked := map[rgb]int{}
	for pi, page := range laid.pages[:2] {
		for _, r := range page.rects {
			if r.w < 6 || r.h < 6 || r.fill == white || r.fill == black {
				continue // frames and markers too small to sample
			}
			if ok, got := near(imgs[pi], dpi, r.x+r.w/2, r.y+r.h/2-0.5, r.fill); !ok {
				// Cell text may cover the centre: try near the left edge.
				if ok2, got2 := near(imgs[pi], dpi, r.x+2, r.y+r.h/2, r.fill); !ok2 {
					t.Errorf("page %d: rect at %.0f,%.0f: want %s, got %s and %s", pi+1, r.x, r.y, r.fill.hex(), got, got2)
					continue
				}
			}
			checked[r.fill]++
		}
	}
	for _, c := range []rgb{green, amber, red, grey} {
		if checked[c] < 5 {
			t.Errorf("colour %s found in %d places, want the heat map's cells and legend", c.hex(), checked[c])
		}
	}
	if checked[levelColour("high")] != 1 { // the one bar of high alerts
		t.Errorf("the alert bars were not found: %v", checked)
	}
}

func TestPDFTextEncoding(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"(a) b\\c", `\(a\) b\\c`},
		{"£5 – café’s", `\2435 \226 caf\351\222s`},
		{"日本", "??"},
	}
	for _, tc := range tests {
		if got := pdfString(tc.in); got != tc.want {
			t.Errorf("pdfString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if w := textWidth("Wi", 10, false); w < 11.65 || w > 11.67 {
		t.Errorf("width of Wi at 10pt = %v", w)
	}
	for _, l := range wrap("the quick brown fox jumps over the lazy dog", 10, 60, false) {
		if textWidth(l, 10, false) > 60 {
			t.Errorf("line %q wider than 60pt", l)
		}
	}
}
