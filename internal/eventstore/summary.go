package eventstore

import "time"

// summary is what is known of a segment without reading its records.
type summary struct {
	first, last    uint64    // sequence numbers of its first and last record; 0 when empty
	count          int64     // records
	oldest, newest time.Time // event times, of events that have one; zero when none has
	untimed        bool      // some record has no time or does not decode
	bytes          int64     // segment file bytes covered
	sealed         time.Time // when the segment was sealed; zero while active
	written        time.Time // when the active segment was last appended to
}

func (s *summary) add(seq uint64, t time.Time) {
	if s.count == 0 {
		s.first = seq
	}
	s.last = seq
	s.count++
	if t.IsZero() {
		s.untimed = true
		return
	}
	if s.oldest.IsZero() || t.Before(s.oldest) {
		s.oldest = t
	}
	if t.After(s.newest) {
		s.newest = t
	}
}

// overlaps reports whether the segment may hold events in [since, until);
// events without a time count as before every time.
func (s *summary) overlaps(since, until time.Time) bool {
	if s.count == 0 {
		return false
	}
	if s.untimed && since.IsZero() {
		return true
	}
	if s.newest.IsZero() {
		return false
	}
	return (since.IsZero() || !s.newest.Before(since)) && (until.IsZero() || s.oldest.Before(until))
}

// ageRef is the time retention measures a segment's age from: when it was
// last written (sealed, or for the active segment last appended to). For a
// live feed that is the newest event's time to within a segment; unlike
// event time, it neither deletes a historical import as it arrives (the
// store must hold every acknowledged event) nor keeps events a skewed clock
// dated in the future. Zero for an empty active segment: it does not age.
func (s *summary) ageRef() time.Time {
	if !s.sealed.IsZero() {
		return s.sealed
	}
	if s.count == 0 {
		return time.Time{}
	}
	return s.written
}
