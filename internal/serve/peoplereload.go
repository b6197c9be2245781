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
// for everything that uses them. A failed look is logged when a run of
// them starts and when it ends (reloader).
func (s *Service) watchPeople(ctx context.Context) error {
	r := &s.peopleReload
	r.what, r.log = "people", s.log
	r.failMsg = "people: cannot look for a new staff import; serving the one taken in before"
	return r.run(ctx, s.cfg.People.Reload, s.reloadPeople)
}

// reloadPeople takes in a new import, if there is one, and says whether
// it did.
func (s *Service) reloadPeople(ctx context.Context) (bool, error) {
	changed, err := s.people.Refresh(ctx)
	if err != nil || !changed {
		return false, err
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
	return true, nil
}

// peopleMetrics writes the generation of the import served and the
// failed looks for a new one.
func (s *Service) peopleMetrics(m metricWriter) {
	if s.people == nil {
		return
	}
	m.one("vigil_people_import_generation", "gauge", "Generation of the staff, training and phishing import served (0: none).", float64(s.people.Generation()))
	m.one("vigil_people_reload_errors_total", "counter", "Looks for a new staff import that failed.", float64(s.peopleReload.errors.Load()))
}
