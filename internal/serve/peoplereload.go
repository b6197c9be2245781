package serve

import (
	"context"
	"time"
)

// DefaultPeopleReload is how often the service looks for a staff,
// training or phishing import made while it runs (people.reload).
const DefaultPeopleReload = 10 * time.Second

// watchPeople takes in the imports made while the service runs (vigil
// people import into the data folder, or with --postgres into the shared
// database): every people.reload it asks the people store for the
// imports' generation, which costs a stat or a one-column query, and
// when it has moved swaps the new directory, training and campaigns in
// for everything that uses them.
func (s *Service) watchPeople(ctx context.Context) error {
	tick := time.NewTicker(s.cfg.People.Reload)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		failing = s.reloadPeople(ctx, failing)
	}
}

// reloadPeople takes in a new import, if there is one, and says whether
// the look failed. A failure is logged when a run of them starts and
// when it ends, not at every look; the service serves the import it has
// meanwhile.
func (s *Service) reloadPeople(ctx context.Context, failing bool) bool {
	changed, err := s.people.Refresh(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return failing
		}
		s.peopleReloadErrors.Add(1)
		if !failing {
			s.log.Error("people: cannot look for a new staff import; serving the one taken in before", "err", err)
		}
		return true
	}
	if failing {
		s.log.Info("people: looking for new staff imports again")
	}
	if !changed {
		return false
	}
	// The people store serves the new import from now on (the pulse form
	// and answers, the pulse results); guidance has its own reference to
	// the directory.
	if s.guidance != nil {
		s.guidance.guide.SetDirectory(s.people.Directory())
	}
	im := s.people.Imported()
	s.log.Info("people: new import taken in", "generation", im.Generation, "staff", len(im.Staff),
		"training_records", len(im.Training), "campaigns", len(im.Campaigns), "imported_at", im.At)
	return false
}

// peopleMetrics writes the generation of the import served and the
// failed looks for a new one.
func (s *Service) peopleMetrics(m metricWriter) {
	if s.people == nil {
		return
	}
	m.one("vigil_people_import_generation", "gauge", "Generation of the staff, training and phishing import served (0: none).", float64(s.people.Generation()))
	m.one("vigil_people_reload_errors_total", "counter", "Looks for a new staff import that failed.", float64(s.peopleReloadErrors.Load()))
}
