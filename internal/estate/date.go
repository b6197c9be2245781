package estate

import (
	"fmt"
	"time"
)

// dateLayout is how the feeds and Vigil's output write calendar dates.
const dateLayout = "2006-01-02"

// parseDate reads a calendar date (YYYY-MM-DD) as midnight UTC.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want a date as YYYY-MM-DD, got %q", s)
	}
	return t, nil
}

// day truncates t to its calendar day in UTC, so that comparisons with
// feed dates ignore the time of day.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ended reports whether support that ends on date end is over at at.
// Feeds give the last day of support (Microsoft's last Patch Tuesday, for
// instance), so support is over from the day after.
func ended(end, at time.Time) bool {
	return day(at).After(end)
}
