package serve

import (
	"context"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/report"
)

// gatherReport gathers the console's reports for period p. In role all it
// reads the live alert and event stores (the alert store answers the
// period's alerts and incidents without the whole log being read again)
// and the rest from the data folder as vigil report does; on an API node
// it reads the shared database (ReportSources) with the feeds and asset
// CSV the node loaded.
func (s *Service) gatherReport(ctx context.Context, p report.Period) (*report.Facts, error) {
	now := time.Now() // an API node runs no flow watch, whose clock s.now is
	if s.now != nil {
		now = s.now()
	}
	o := report.Options{Period: p, Now: now, Assets: s.cfg.Estate.Assets, Log: s.log.With("component", "report")}
	if s.node != nil {
		src := ReportSources(s.node.db, s.cfg.Data, false)
		if s.node.events != nil { // store.postgres.events: the detect nodes store them
			src.Events = s.node.events
		}
		if s.estate != nil {
			src.Feeds = s.estate.checker
		}
		src.Flow = s.savedFlow() // the watch's options, and its log
		s.ageLearnedIn(src)
		return report.GatherFrom(ctx, src, o)
	}
	src := report.FolderSources(s.cfg.Data)
	defer src.Close()
	s.ageLearnedIn(src)
	if st, ok := s.store.(report.AlertReader); ok {
		src.Alerts = st
	}
	if s.events != nil {
		src.Events = s.events
	}
	return report.GatherFrom(ctx, src, o)
}

// ReportSources are the stores of the shared database that the board pack
// and staff briefing read in a scaled-out deployment: alerts and
// incidents, the events when events is set (store.postgres.events), the
// estate's register and learned assets, the people data, the saved
// privacy analysis and decisions, and the assurance evidence and history.
// data, if not empty, is a folder whose files name the CAF framework and
// hold the feeds (as in role all). The sources' learned normal rates are
// the flow profiles the detect nodes save per partition (flow_profiles);
// the record of patient access reports is the shared one the analysing
// API node records to.
func ReportSources(db *pgstore.DB, data string, events bool) *report.Sources {
	src := &report.Sources{
		Data: data, Alerts: db.Alerts(), Estate: db.Estate(), People: db.People(), Assurance: db.Assure(),
		Privacy:        report.PrivacyStores{Cases: db.PrivacyCases(), Decisions: db.PrivacyDecisions()},
		Flow:           savedFlow{store: db.FlowProfiles()},
		PatientReports: db.PatientReports(),
	}
	if events {
		src.Events = db.Events(eventstore.Options{})
	}
	return src
}
