package report

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// londonAt is a London wall-clock time.
func londonAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, London)
}

func TestParseRollingPeriod(t *testing.T) {
	now := londonAt(2026, 11, 27, 15, 0)
	tests := []struct {
		in, name, label string
		start, end      time.Time // London midnights
		err             string
	}{
		{"last-30-days", "last-30-days", "29 October to 27 November 2026", londonAt(2026, 10, 29, 0, 0), londonAt(2026, 11, 28, 0, 0), ""},
		{"last 30 days", "last-30-days", "29 October to 27 November 2026", londonAt(2026, 10, 29, 0, 0), londonAt(2026, 11, 28, 0, 0), ""},
		{" Last 7  Days ", "last-7-days", "21 to 27 November 2026", londonAt(2026, 11, 21, 0, 0), londonAt(2026, 11, 28, 0, 0), ""},
		{"last 1 day", "last-1-day", "27 November 2026", londonAt(2026, 11, 27, 0, 0), londonAt(2026, 11, 28, 0, 0), ""},
		{"last-1-days", "last-1-day", "27 November 2026", londonAt(2026, 11, 27, 0, 0), londonAt(2026, 11, 28, 0, 0), ""},
		{"last-366-days", "last-366-days", "27 November 2025 to 27 November 2026", londonAt(2025, 11, 27, 0, 0), londonAt(2026, 11, 28, 0, 0), ""},
		{"last 0 days", "", "", time.Time{}, time.Time{}, "1 to 366"},
		{"last 367 days", "", "", time.Time{}, time.Time{}, "1 to 366"},
		{"last +30 days", "", "", time.Time{}, time.Time{}, "1 to 366"},
		{"last thirty days", "", "", time.Time{}, time.Time{}, "1 to 366"},
		{"last 30 weeks", "", "", time.Time{}, time.Time{}, "last-30-days or last 30 days"},
		{"last month", "", "", time.Time{}, time.Time{}, "last-30-days or last 30 days"},
		{"last", "", "", time.Time{}, time.Time{}, "last-30-days or last 30 days"},
		{"yesterday", "", "", time.Time{}, time.Time{}, "or the last N days such as last-30-days"},
	}
	for _, tc := range tests {
		p, err := ParsePeriodAt(tc.in, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), `"`+tc.in+`"`) {
				t.Errorf("%q: err %v, want it to name the input and say %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if p.Name != tc.name || p.Label() != tc.label || !p.Start.Equal(tc.start) || !p.End.Equal(tc.end) {
			t.Errorf("%q: got %s %q %v..%v", tc.in, p.Name, p.Label(), p.Start, p.End)
		}
	}
}

// TestRollingPeriodLabels covers labels across a month and a year.
func TestRollingPeriodLabels(t *testing.T) {
	tests := []struct {
		n     int
		now   time.Time
		label string
	}{
		{30, londonAt(2026, 1, 13, 9, 0), "15 December 2025 to 13 January 2026"},
		{7, londonAt(2026, 3, 2, 9, 0), "24 February to 2 March 2026"},
		{31, londonAt(2026, 3, 31, 23, 59), "1 to 31 March 2026"},
	}
	for _, tc := range tests {
		if got := LastDays(tc.n, tc.now).Label(); got != tc.label {
			t.Errorf("last %d days at %v: %q, want %q", tc.n, tc.now, got, tc.label)
		}
	}
}

// TestRollingPeriodAroundClockChanges: the days are London's, so the
// period starts and ends at London midnight whichever side of a clock
// change, and is an hour shorter or longer than N times 24 hours; "today"
// is London's day, not UTC's.
func TestRollingPeriodAroundClockChanges(t *testing.T) {
	tests := []struct {
		name       string
		n          int
		now        time.Time
		start, end time.Time // UTC
		hours      float64
	}{
		// Clocks went forward at 01:00 UTC on 29 March 2026.
		{"across spring", 7, time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 26, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 23, 0, 0, 0, time.UTC), 7*24 - 1},
		{"the spring day itself", 1, time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 23, 0, 0, 0, time.UTC), 23},
		{"ending just before spring", 1, time.Date(2026, 3, 28, 23, 59, 0, 0, time.UTC),
			time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), 24},
		// Clocks went back at 01:00 UTC on 25 October 2026.
		{"across autumn", 30, time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 4, 23, 0, 0, 0, time.UTC), time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC), 30*24 + 1},
		{"the autumn day itself", 1, time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC),
			time.Date(2026, 10, 24, 23, 0, 0, 0, time.UTC), time.Date(2026, 10, 26, 0, 0, 0, 0, time.UTC), 25},
		// 23:30 UTC on 1 July is 00:30 on 2 July in London.
		{"London's day, not UTC's", 1, time.Date(2026, 7, 1, 23, 30, 0, 0, time.UTC),
			time.Date(2026, 7, 1, 23, 0, 0, 0, time.UTC), time.Date(2026, 7, 2, 23, 0, 0, 0, time.UTC), 24},
	}
	for _, tc := range tests {
		p := LastDays(tc.n, tc.now)
		if !p.Start.Equal(tc.start) || !p.End.Equal(tc.end) {
			t.Errorf("%s: %v..%v UTC, want %v..%v", tc.name, p.Start.UTC(), p.End.UTC(), tc.start, tc.end)
		}
		if got := p.End.Sub(p.Start).Hours(); got != tc.hours {
			t.Errorf("%s: %v hours, want %v", tc.name, got, tc.hours)
		}
		if !p.Contains(tc.now) || p.Contains(p.End) || !p.Contains(p.Start) || p.Contains(p.Start.Add(-time.Second)) {
			t.Errorf("%s: Contains does not honour the bounds", tc.name)
		}
	}
}

// TestPeriodSteps: the chart's steps are London days (a month or less)
// or weeks, each from London midnight, across clock changes too, cut at
// the period's end and at the moment given.
func TestPeriodSteps(t *testing.T) {
	autumnMonth, _ := ParsePeriodAt("2026-10", time.Time{})
	quarter, _ := ParsePeriodAt("2026-Q1", time.Time{})
	tests := []struct {
		name   string
		p      Period
		until  time.Time
		unit   string
		n      int
		hours  map[int]float64 // step index: its length, where not 24 (days) or 168 (weeks)
		lastTo time.Time
	}{
		{"last 7 days across spring", LastDays(7, londonAt(2026, 4, 1, 12, 0)), londonAt(2027, 1, 1, 0, 0), "day", 7,
			map[int]float64{3: 23}, londonAt(2026, 4, 2, 0, 0)},
		{"last 7 days, today so far", LastDays(7, londonAt(2026, 4, 1, 12, 0)), londonAt(2026, 4, 1, 12, 0), "day", 7,
			map[int]float64{3: 23}, londonAt(2026, 4, 2, 0, 0)},
		{"October by day", autumnMonth, londonAt(2027, 1, 1, 0, 0), "day", 31, map[int]float64{24: 25}, londonAt(2026, 11, 1, 0, 0)},
		{"October to the 10th", autumnMonth, londonAt(2026, 10, 10, 8, 0), "day", 10, nil, londonAt(2026, 10, 11, 0, 0)},
		{"last 31 days by day", LastDays(31, londonAt(2026, 10, 31, 9, 0)), londonAt(2027, 1, 1, 0, 0), "day", 31,
			map[int]float64{24: 25}, londonAt(2026, 11, 1, 0, 0)},
		{"last 90 days by week", LastDays(90, londonAt(2026, 4, 30, 9, 0)), londonAt(2027, 1, 1, 0, 0), "week", 13,
			map[int]float64{8: 167, 12: 6 * 24}, londonAt(2026, 5, 1, 0, 0)},
		{"a quarter by week, cut at its end", quarter, londonAt(2027, 1, 1, 0, 0), "week", 13,
			map[int]float64{12: 6*24 - 1}, londonAt(2026, 4, 1, 0, 0)}, // 26 to 31 March, across spring
	}
	for _, tc := range tests {
		steps, unit := tc.p.Steps(tc.until)
		if unit != tc.unit || len(steps) != tc.n {
			t.Errorf("%s: %d steps by %s, want %d by %s", tc.name, len(steps), unit, tc.n, tc.unit)
			continue
		}
		want := 24.0
		if unit == "week" {
			want = 168
		}
		for i, s := range steps {
			h, ok := tc.hours[i]
			if !ok {
				h = want
			}
			if s.Start.In(London).Hour() != 0 || s.End.Sub(s.Start).Hours() != h || (i > 0 && !s.Start.Equal(steps[i-1].End)) {
				t.Errorf("%s: step %d is %v..%v, want %v hours from London midnight", tc.name, i, s.Start, s.End, h)
			}
		}
		if !steps[0].Start.Equal(tc.p.Start) || !steps[len(steps)-1].End.Equal(tc.lastTo) {
			t.Errorf("%s: steps run %v..%v", tc.name, steps[0].Start, steps[len(steps)-1].End)
		}
	}
}

// TestAlertTrendByLondonDay: over the last 7 days across the autumn
// clock change, alerts are counted on the London day they were first
// seen; 23:30 GMT on 25 October is still the 25th (24-hour steps from a
// BST midnight would have counted it on the 26th).
func TestAlertTrendByLondonDay(t *testing.T) {
	now := time.Date(2026, 10, 27, 12, 0, 0, 0, time.UTC)
	seen := []time.Time{
		time.Date(2026, 10, 20, 23, 30, 0, 0, time.UTC), // 00:30 BST on the 21st
		time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC),  // 01:30 BST on the 25th, before the change
		time.Date(2026, 10, 25, 23, 30, 0, 0, time.UTC), // 23:30 GMT on the 25th
		time.Date(2026, 10, 27, 9, 0, 0, 0, time.UTC),
	}
	f := &Facts{Period: LastDays(7, now), Generated: now}
	for _, at := range seen {
		f.Alerts = append(f.Alerts, &alert.Alert{FirstSeen: at})
	}
	ch := alertTrendChart(f)
	var got []string
	for _, b := range ch.Bars {
		got = append(got, b.Label+":"+b.Text)
	}
	want := "21:1 22:0 23:0 24:0 25:2 26:0 27:1"
	if strings.Join(got, " ") != want || !strings.Contains(ch.Title, "(by day)") {
		t.Errorf("%s: %s, want %s", ch.Title, strings.Join(got, " "), want)
	}
}
