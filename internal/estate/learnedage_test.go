package estate

import (
	"slices"
	"testing"
	"time"
)

func TestFreshLearned(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	as := []Asset{
		{Name: "a", LastSeen: now.Add(-100 * day)},
		{Name: "b", LastSeen: now.Add(-90 * day)}, // exactly the maximum age: kept
		{Name: "c"}, // never seen at a known time: kept
		{Name: "d", LastSeen: now.Add(-90*day - time.Nanosecond)},
		{Name: "e", LastSeen: now},
	}
	tests := []struct {
		name   string
		maxAge time.Duration
		want   []string
	}{
		{"0 keeps every one", 0, []string{"a", "b", "c", "d", "e"}},
		{"90 days", 90 * day, []string{"b", "c", "e"}},
		{"a day", day, []string{"c", "e"}},
		{"a thousand days", 1000 * day, []string{"a", "b", "c", "d", "e"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, a := range FreshLearned(as, tt.maxAge, now) {
				got = append(got, a.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("kept %q, want %q", got, tt.want)
			}
			if as[0].Name != "a" || len(as) != 5 {
				t.Errorf("the input changed: %+v", as)
			}
		})
	}
}
