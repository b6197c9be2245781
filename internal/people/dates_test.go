package people

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	cases := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: "2025-03-15", want: utc(2025, 3, 15, 0, 0)},
		{in: "15/03/2025", want: utc(2025, 3, 15, 0, 0)},
		{in: "5/3/2025", want: utc(2025, 3, 5, 0, 0)},
		{in: "15/03/2025 14:30", want: utc(2025, 3, 15, 14, 30)},
		{in: "2025-03-15T14:30:00Z", want: utc(2025, 3, 15, 14, 30)},
		{in: "2025-03-15T15:30:00+01:00", want: utc(2025, 3, 15, 14, 30)},
		{in: "2025-03-15 14:30:00", want: utc(2025, 3, 15, 14, 30)},
		{in: "03/15/2025", wantErr: "month-first"},
		{in: "15/03/25", wantErr: "four digits"},
		{in: "15-03-2025", wantErr: "ambiguous"},
		{in: "31/02/2025", wantErr: "does not exist"},
		{in: "32/13/2025", wantErr: "does not exist"},
		{in: "2025-13-01", wantErr: "not YYYY-MM-DD"},
		{in: "yesterday", wantErr: "not YYYY-MM-DD"},
		{in: "", wantErr: "empty"},
		{in: "15/03/2025 25:00", wantErr: "time of day"},
	}
	for _, c := range cases {
		got, err := parseDate(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("parseDate(%q) = %v, %v; want error containing %q", c.in, got, err, c.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestParseValidity(t *testing.T) {
	cases := []struct {
		in      string
		y, m, d int
		wantErr bool
	}{
		{in: "12 months", m: 12}, {in: "1 year", y: 1}, {in: "3 Years", y: 3}, {in: "365 days", d: 365},
		{in: "52 weeks", d: 364}, {in: "24", m: 24}, {in: "1y", y: 1}, {in: "36m", m: 36},
		{in: "0 months", wantErr: true}, {in: "-1 year", wantErr: true}, {in: "12 fortnights", wantErr: true}, {in: "soon", wantErr: true},
	}
	for _, c := range cases {
		y, m, d, err := parseValidity(c.in)
		if (err != nil) != c.wantErr || y != c.y || m != c.m || d != c.d {
			t.Errorf("parseValidity(%q) = %d, %d, %d, %v; want %d, %d, %d, error %v", c.in, y, m, d, err, c.y, c.m, c.d, c.wantErr)
		}
	}
}
