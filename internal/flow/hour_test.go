package flow

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/London on any machine
)

// TestLocalHours checks hours of the week across the change to and from
// British Summer Time.
func TestLocalHours(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	w := New(Options{Location: london})
	cases := []struct {
		utc        time.Time
		slot       int
		nextHourIn time.Duration
	}{
		// Sunday 29 March 2026: 01:00 GMT becomes 02:00 BST.
		{time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), 0*24 + 0, 30 * time.Minute},
		{time.Date(2026, 3, 29, 1, 15, 0, 0, time.UTC), 0*24 + 2, 45 * time.Minute},
		// Sunday 25 October 2026: 01:00 BST (00:00 UTC) and then 01:00 GMT.
		{time.Date(2026, 10, 25, 0, 10, 0, 0, time.UTC), 0*24 + 1, 50 * time.Minute},
		{time.Date(2026, 10, 25, 1, 10, 0, 0, time.UTC), 0*24 + 1, 50 * time.Minute},
		// Tuesday 10:20 BST.
		{time.Date(2026, 6, 2, 9, 20, 0, 0, time.UTC), 2*24 + 10, 40 * time.Minute},
	}
	for _, c := range cases {
		if got := w.slotOf(c.utc); got != c.slot {
			t.Errorf("slotOf(%v) = %d, want %d", c.utc, got, c.slot)
		}
		if got := w.nextHour(c.utc).Sub(c.utc); got != c.nextHourIn {
			t.Errorf("nextHour(%v) is %v later, want %v", c.utc, got, c.nextHourIn)
		}
	}
}
