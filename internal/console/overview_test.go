package console

import (
	"slices"
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

// fakeBars are the listener bars a process would count: every bar gives
// http i and syslog 2i events; it records what it was asked for.
type fakeBars struct {
	start time.Time
	width time.Duration
	n     int
}

func (b *fakeBars) bars(start time.Time, width time.Duration, n int) ([]string, [][]int) {
	b.start, b.width, b.n = start, width, n
	out := make([][]int, n)
	for i := range out {
		out[i] = []int{i, 2 * i}
	}
	return []string{"http", "syslog"}, out
}

func TestOverviewSignal(t *testing.T) {
	for _, c := range []struct {
		name         string
		fixture      func(t *testing.T, bars *fakeBars) *fixture
		asked        bool // the listener bars were asked for
		want, unwant []string
	}{
		{
			name: "live counts by listener",
			fixture: func(t *testing.T, bars *fakeBars) *fixture {
				f := newFixture(t)
				f.stats.Recent = map[string]RecentRate{"http": {LastMinute: 12.5, LastFive: 10}, "syslog": {}}
				f.stats.EventsIn["hl7"] = 0 // counted but not set up: no recent rate
				f.deps.ListenerBars = bars.bars
				f.rebuild(t)
				return f
			},
			asked: true,
			want: []string{
				`<td>http</td><td>receiving</td><td class="num">12.5</td><td class="num">10.0</td><td class="num">1000</td><td class="num">16.7</td>`,
				`<td>syslog</td><td><strong class="clock-overdue">quiet</strong>: nothing in 5 minutes</td><td class="num">0.0</td><td class="num">0.0</td><td class="num">234</td><td class="num">3.9</td>`,
				`<td>hl7</td><td>not set up</td><td class="num">-</td><td class="num">-</td><td class="num">0</td><td class="num">0.0</td>`,
				`<th scope="col" class="num">A minute, last 5 minutes</th>`,
				`<title id="chart-eventsreceivedinthelasthourbylistener-t">Events received in the last hour, by listener</title>`,
				"198 events in the last hour, in 5-minute bars stacked by listener", // 3 × (0+1+…+11)
				`<rect class="bar-src1"`, `<rect class="bar-src2"`, `<span class="swatch swatch-src2"></span>syslog`,
				"Counted by this process&#39;s listeners",
				`<th scope="col" class="num">http</th><th scope="col" class="num">syslog</th><th scope="col" class="num">All</th>`,
				`<tr><td>15:10</td><td class="num">0</td><td class="num">0</td><td class="num">0</td></tr>`,
				`<tr><td>16:05</td><td class="num">11</td><td class="num">22</td><td class="num">33</td></tr>`,
			},
			unwant: []string{"From the event store"},
		},
		{
			name:    "the event store's histogram without listener counts",
			fixture: func(t *testing.T, _ *fakeBars) *fixture { return newPagesFixture(t).fixture },
			want: []string{
				"From the event store: the events stored in the last hour, all listeners together",
				`<title id="chart-eventsreceivedinthelasthour-t">Events received in the last hour</title>`,
				`<th scope="col">From</th><th scope="col" class="num">Events</th>`,
				`<tr><td>15:10</td><td class="num">5</td></tr>`, `<tr><td>16:05</td><td class="num">1</td></tr>`,
				"56 events in the last hour, in 5-minute bars; the table below gives each bar.",
				"<caption>Events accepted by each listener since Vigil started (1 hour ago)</caption>",
				`<td>syslog</td><td class="num">234</td><td class="num">3.9</td>`,
			},
			unwant: []string{"by listener", "quiet</strong>", "A minute, last minute", `class="chart-legend" aria-hidden="true"><li><span class="swatch swatch-src`},
		},
		{
			name:    "neither: no chart",
			fixture: func(t *testing.T, _ *fakeBars) *fixture { return newFixture(t) },
			want:    []string{`<td>http</td><td class="num">1000</td><td class="num">16.7</td>`},
			unwant:  []string{"Events received in the last hour", "From the event store", "Counted by this process", "No listener runs"},
		},
		{
			name: "no listener in the process: the event store's histogram",
			fixture: func(t *testing.T, _ *fakeBars) *fixture {
				f := newPagesFixture(t).fixture
				f.stats.EventsIn = map[string]int64{}
				return f
			},
			want:   []string{"No listener runs in this process", "From the event store"},
			unwant: []string{"Events accepted by each listener"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			bars := &fakeBars{}
			f := c.fixture(t, bars)
			w := f.get(t, as(auth.RoleAnalyst), "/")
			if w.Code != 200 {
				t.Fatalf("overview: %d", w.Code)
			}
			body := w.Body.String()
			contains(t, c.name, body, c.want...)
			lacks(t, c.name, body, c.unwant...)
			checkHTML(t, c.name, body)
			wantStart := time.Date(2026, 11, 28, 15, 10, 0, 0, time.UTC) // the first whole 5 minutes within the hour before testNow
			if asked := bars.n != 0; asked != c.asked {
				t.Fatalf("listener bars asked for: %v, want %v", asked, c.asked)
			}
			if c.asked && (!bars.start.Equal(wantStart) || bars.width != 5*time.Minute || bars.n != 12) {
				t.Errorf("listener bars asked from %v, %v wide, %d of them; want from %v, 5m wide, 12", bars.start, bars.width, bars.n, wantStart)
			}
		})
	}
}

// TestListenerSignalColours: listeners beyond the stylesheet's six colours
// take them again in turn, and every listener keeps its own series.
func TestListenerSignalColours(t *testing.T) {
	f := newFixture(t)
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	f.deps.ListenerBars = func(_ time.Time, _ time.Duration, n int) ([]string, [][]int) {
		counts := make([][]int, n)
		for i := range counts {
			counts[i] = make([]int, len(names))
			counts[i][i%len(names)] = 1
		}
		return names, counts
	}
	f.rebuild(t)
	ch := f.c.listenerSignal(testNow.Add(-55 * time.Minute))
	want := []string{"src1", "src2", "src3", "src4", "src5", "src6", "src1", "src2"}
	if !slices.Equal(ch.Classes, want) || !slices.Equal(ch.Series, names) {
		t.Errorf("series %v with classes %v; want %v with %v", ch.Series, ch.Classes, names, want)
	}
	if len(ch.Labels) != 12 || ch.Labels[0] != "15:10" || ch.Labels[11] != "16:05" {
		t.Errorf("labels %v, want 12 from 15:10 to 16:05", ch.Labels)
	}
	svg := string(ch.SVG())
	for _, w := range []string{`<rect class="bar-src6"`, `<rect class="bar-src1"`, "12 events in the last hour"} {
		if !strings.Contains(svg, w) {
			t.Errorf("the chart lacks %q", w)
		}
	}
}
