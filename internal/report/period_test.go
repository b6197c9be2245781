package report

import (
	"strings"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in, name, label string
		start, end      string // London dates
		err             string
	}{
		{"2026-Q3", "2026-Q3", "July to September 2026", "2026-07-01", "2026-10-01", ""},
		{"2026-q1", "2026-Q1", "January to March 2026", "2026-01-01", "2026-04-01", ""},
		{"2026-Q4", "2026-Q4", "October to December 2026", "2026-10-01", "2027-01-01", ""},
		{"2026-11", "2026-11", "November 2026", "2026-11-01", "2026-12-01", ""},
		{"2026-Q5", "", "", "", "", "Q1 to Q4"},
		{"2026-13", "", "", "", "", "01 to 12"},
		{"2026-1", "", "", "", "", "01 to 12"},
		{"26-Q1", "", "", "", "", "want a quarter"},
		{"Q3", "", "", "", "", "want a quarter"},
	}
	for _, tc := range tests {
		p, err := ParsePeriod(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if p.Name != tc.name || p.Label() != tc.label || p.Start.Format(time.DateOnly) != tc.start || p.End.Format(time.DateOnly) != tc.end {
			t.Errorf("%s: got %s %q %s..%s", tc.in, p.Name, p.Label(), p.Start, p.End)
		}
		if p.Start.Location() != London {
			t.Errorf("%s: start not in London", tc.in)
		}
	}
}

// The quarter starts at local midnight: 1 July is in British Summer Time.
func TestPeriodBoundsInLondon(t *testing.T) {
	p := QuarterOf(time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC))
	if got := p.Start.UTC(); !got.Equal(time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("Q3 starts %v UTC, want 2026-06-30 23:00", got)
	}
	if !p.Contains(time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC)) || p.Contains(time.Date(2026, 9, 30, 23, 0, 0, 0, time.UTC)) {
		t.Error("Contains does not honour the London bounds")
	}
	if m := MonthOf(time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC)); m.Name != "2026-11" {
		t.Errorf("MonthOf = %s", m.Name)
	}
	if s := stamp(time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)); s != "1 July 2026 10:00 BST" {
		t.Errorf("stamp = %q", s)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-Q3", "2026-11", "1999-q4", "2026-", "-Q1", "99999-Q1"} {
		f.Add(s)
	}
	for _, s := range []string{"last-30-days", "Last 7 Days", "last 1 day", "last-366-days", "last -1 days", "last 30 weeks"} {
		f.Add(s)
	}
	now := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC) // just after the clock went back
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriodAt(s, now)
		if err != nil {
			return
		}
		if !p.Start.Before(p.End) || !p.Contains(p.Start) || p.Contains(p.End) {
			t.Fatalf("%q: bad period %v..%v", s, p.Start, p.End)
		}
		if q, err := ParsePeriodAt(p.Name, now); err != nil || !q.Start.Equal(p.Start) || !q.End.Equal(p.End) {
			t.Fatalf("%q: name %q does not read back: %v", s, p.Name, err)
		}
		if p.Days > 0 && (!p.Contains(now) || p.calendarDays() != p.Days) {
			t.Fatalf("%q: %d days %v..%v do not end with the day of %v", s, p.Days, p.Start, p.End, now)
		}
		steps, _ := p.Steps(p.End)
		if len(steps) == 0 || !steps[0].Start.Equal(p.Start) || !steps[len(steps)-1].End.Equal(p.End) {
			t.Fatalf("%q: steps do not cover the period", s)
		}
	})
}
