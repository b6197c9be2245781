package console

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
)

func TestOverviewPerRole(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	f.src = []Source{
		{Listener: "syslog", Host: "fw01", State: "ok", Observed: 120, Expected: 118, LastSeen: testNow},
		{Listener: "http", Host: "DC01", State: "silent", Observed: 0, Expected: 300, LastSeen: testNow.Add(-time.Hour)},
	}
	for _, c := range []struct {
		role         auth.Role
		want, unwant []string
	}{
		{auth.RoleAnalyst, []string{`<a href="/incidents/i1">Mimikatz command line</a>`, "WS-WARD7-01"}, nil},
		{auth.RoleBoard, []string{"tag-status-open"}, []string{"WS-WARD7-01", "Mimikatz", "/incidents/i1", "jsmith"}},
	} {
		w := f.get(t, as(c.role), "/")
		if w.Code != 200 {
			t.Fatalf("overview as %s: %d", c.role, w.Code)
		}
		body := w.Body.String()
		what := "overview as " + string(c.role)
		contains(t, what, body, append(c.want,
			`<span class="figure">1</span> open incidents`, `<span class="figure">1</span> sources gone quiet`,
			"1 source went quiet or dropped", // the quiet source first
			`<td><strong class="clock-overdue">silent</strong></td><td>http</td><td>DC01</td>`,
			`role="img"`, "<title id=\"chart-alertsbylevellast24hours-t\">Alerts by level, last 24 hours</title>",
			`<rect class="bar-high"`, "<th scope=\"row\">Credential access</th>",
			`<a href="https://attack.mitre.org/techniques/T1003/001/" rel="noreferrer">T1003.001</a> (1)`,
			"<td>syslog</td><td class=\"num\">234</td><td class=\"num\">3.9</td>")...)
		lacks(t, what, body, c.unwant...)
		if strings.Index(body, "DC01") > strings.Index(body, "fw01") {
			t.Errorf("%s: the silent source is not listed first", what)
		}
	}
	w := f.get(t, as(auth.RoleAnalyst), "/?range=7d")
	contains(t, "overview, 7 days", w.Body.String(), "Alerts by level, last 7 days", `<td>Sat 28 Nov</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td>`)
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		20 * time.Second:  "less than a minute",
		time.Minute:       "1 minute",
		-90 * time.Minute: "1 hour 30 minutes",
		47 * time.Hour:    "47 hours",
		50 * time.Hour:    "2 days 2 hours",
		72 * time.Hour:    "3 days",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTechniqueOf(t *testing.T) {
	for tag, want := range map[string]string{
		"attack.t1003.001": "T1003.001", "attack.T1486": "T1486", "attack.execution": "", "attack.t10": "", "cve.2021-44228": "", "attack.t1003.0x1": "",
	} {
		got, ok := techniqueOf(tag)
		if got != want || ok != (want != "") {
			t.Errorf("techniqueOf(%q) = %q, %v; want %q", tag, got, ok, want)
		}
	}
}
