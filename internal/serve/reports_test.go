package serve

import (
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/auth"
)

// TestReportsOnTheLiveService: the board's PDF board pack and an
// analyst's staff briefing come from the running service's data folder,
// each written to the audit log twice: the guard's view of the route and
// the report produced, with who, which report, the period and the format;
// a bad period is refused naming it.
func TestReportsOnTheLiveService(t *testing.T) {
	cfg := testConfig(t)
	ts := startService(t, cfg)
	tokens := roleTokens(t, cfg.Data)
	code, _, body := ts.page(t, "GET", "/reports/board?period=2026-Q3&format=pdf", tokens[auth.RoleBoard])
	if code != 200 || !strings.HasPrefix(body, "%PDF-1.4") {
		t.Fatalf("board pack: %d %.40q", code, body)
	}
	code, _, body = ts.page(t, "GET", "/reports/staff?period=2026-11&format=html", tokens[auth.RoleAnalyst])
	if code != 200 || !strings.Contains(body, "Cyber security: your briefing for November 2026") {
		t.Fatalf("staff briefing: %d %.200q", code, body)
	}
	code, _, body = ts.page(t, "GET", "/reports/board?period=2026-Q9", tokens[auth.RoleBoard])
	if code != 400 || !strings.Contains(body, "2026-Q9") {
		t.Errorf("bad period: %d %.300q", code, body)
	}
	var got []string
	for _, e := range auditEntries(t, cfg.Data) {
		if strings.HasPrefix(e.Object, "/reports/") || e.Action == "report produced" {
			got = append(got, e.Role+" "+e.Action+" "+e.Object+" "+e.Outcome)
		}
	}
	want := []string{
		"board GET /reports/board /reports/board?period=2026-Q3&format=pdf granted",
		"board report produced board 2026-Q3 pdf without incident detail done",
		"analyst GET /reports/staff /reports/staff?period=2026-11&format=html granted",
		"analyst report produced staff 2026-11 html done",
		"board GET /reports/board /reports/board?period=2026-Q9 granted",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
