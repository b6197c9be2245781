package serve

import (
	"github.com/vigilhealth/vigil/internal/eventstore"
)

// eventOptions are the event store's limits from the events section.
func (s *Service) eventOptions() eventstore.Options {
	c := s.cfg.Events
	return eventstore.Options{MaxAge: c.MaxAge, MaxBytes: int64(c.MaxBytes), Logger: s.log.With("component", "eventstore")}
}
