package fhir

import (
	"fmt"
	"time"
)

// parseTime reads a FHIR instant or dateTime: a full RFC 3339 timestamp
// (any fraction), or a date of reduced precision (YYYY, YYYY-MM,
// YYYY-MM-DD) taken as its first instant in UTC. A dateTime with a time
// but no zone is not valid FHIR and is refused.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(s) == len(layout) {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a FHIR dateTime (want e.g. 2024-05-01T10:30:00Z)", s)
}
