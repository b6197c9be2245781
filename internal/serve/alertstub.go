package serve

// A stand-in for alert.OpenFileStore until internal/alert implements it.

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/vigilhealth/vigil/internal/alert"
)

// detection is what the detector hands the deduper per match.
type detection = alert.Detection

// deduper is what the detector needs of alert.Deduper.
type deduper interface {
	Add(det detection) ([]*alert.Alert, []*alert.Incident)
	Restore(alerts []*alert.Alert, incidents []*alert.Incident)
}

type memStore struct {
	mu        sync.Mutex
	pos       uint64
	alerts    map[string]*alert.Alert
	incidents map[string]*alert.Incident
}

func openMemStore(string) (*memStore, error) {
	return &memStore{alerts: map[string]*alert.Alert{}, incidents: map[string]*alert.Incident{}}, nil
}

func (s *memStore) Commit(_ context.Context, pos uint64, alerts []*alert.Alert, incidents []*alert.Incident) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pos = pos
	for _, in := range incidents {
		s.incidents[in.ID] = cloneIncident(in)
	}
	for _, a := range alerts {
		s.alerts[a.ID] = cloneAlert(a)
	}
	return nil
}

func (s *memStore) Position(context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pos, nil
}

func (s *memStore) Alerts(_ context.Context, q alert.Query) ([]*alert.Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*alert.Alert
	for _, a := range s.alerts {
		if (q.Host == "" || a.Host == q.Host) && (q.RuleID == "" || a.RuleID == q.RuleID) {
			out = append(out, cloneAlert(a))
		}
	}
	slices.SortFunc(out, func(a, b *alert.Alert) int { return b.LastSeen.Compare(a.LastSeen) })
	if n := cmp.Or(q.Limit, 1000); len(out) > n {
		out = out[:n]
	}
	return out, nil
}

func (s *memStore) Incidents(_ context.Context, limit int) ([]*alert.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*alert.Incident
	for _, in := range s.incidents {
		out = append(out, cloneIncident(in))
	}
	slices.SortFunc(out, func(a, b *alert.Incident) int { return b.LastSeen.Compare(a.LastSeen) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
func (s *memStore) Close() error { return nil }
