package eventstore

import (
	"fmt"
	"time"
)

// ParseTime reads a bound of a search's time range as people write it: an
// RFC 3339 time (2024-06-03T09:00:00Z), or a duration back from now (24h,
// 90m, 1h30m; a leading minus is allowed and means the same).
func ParseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time such as 2024-06-03T09:00:00Z nor a duration back from now such as 24h", s)
	}
	return now.Add(-d.Abs()).UTC(), nil
}
