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

// ageRef is the time retention measures a segment's age from: its newest
// event, unless that is later than the sealing (an event dated in the
// future) or there is none, when the sealing counts. An active segment
// without timed events has none (zero): it does not age.
func (s *summary) ageRef() time.Time {
	switch {
	case s.newest.IsZero():
		return s.sealed
	case !s.sealed.IsZero() && s.sealed.Before(s.newest):
		return s.sealed
	}
	return s.newest
}
