package report

import (
	"context"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/eventstore"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// Sources are the stores a report reads its figures from: a data folder's,
// opened read-only by FolderSources, or stores a process holds open (the
// single process's live alert and event stores, or an API node's
// PostgreSQL stores). The stores are the caller's: GatherFrom neither
// keeps nor closes them. A nil store is a part the deployment does not
// keep, and the report notes it as missing.
type Sources struct {
	// Data is the folder the files named in it are read from: the CAF
	// framework (CAFFile, SupplementFile) and, unless Feeds is set, the
	// feeds vigil estate update stored. "" for none.
	Data string

	Alerts    AlertReader
	Events    EventReader
	Flow      FlowProfile // the sources' learned normal rates
	Estate    EstateReader
	People    PeopleReader
	Privacy   PrivacyReader
	Assurance AssuranceStore
	// PatientReports is the record of patient access reports given.
	PatientReports PatientReportReader
	// Feeds are the end-of-life data and KEV catalogue already loaded (an
	// API node's estate.kev and estate.eol); nil: those stored in Data.
	Feeds *estate.Checker

	closers []func() error // what FolderSources opened
}

// AlertReader reads the alerts and incidents of a period: alert.FileStore
// and pgstore's AlertStore are both one.
type AlertReader interface {
	Count(ctx context.Context) (alerts, incidents int, err error)
	// Alerts and Incidents are read with Since at the period's start;
	// Incidents leaves out those merged into another, so that an attack
	// is counted once.
	Alerts(ctx context.Context, q alert.Query) ([]*alert.Alert, error)
	Incidents(ctx context.Context, q alert.IncidentQuery) ([]*alert.Incident, error)
}

// EventReader counts and searches the stored events (an eventstore.Store).
type EventReader interface {
	Stats(ctx context.Context) (eventstore.Stats, error)
	Search(ctx context.Context, q eventstore.Query) (*eventstore.Result, error)
}

// FlowProfile gives each source's rate against its learned normal as at
// a moment.
type FlowProfile interface {
	SourcesAt(at time.Time) ([]flow.SourceStatus, error)
}

// EstateReader gives the risk register and the assets learned from events
// (an estate.Store).
type EstateReader interface {
	Register(ctx context.Context) (*estate.Register, error)
	Learned(ctx context.Context) (assets []estate.Asset, ok bool, err error)
}

// PeopleReader gives the people data kept by vigil people import and the
// service (the reading half of a people.DataStore).
type PeopleReader interface {
	LoadImported(ctx context.Context) (people.Imported, error)
	ListReports(ctx context.Context) ([]people.Report, error)
	ListGuidance(ctx context.Context) ([]people.Message, error)
	PulseCounts(ctx context.Context) ([]people.PulseCount, error)
}

// PrivacyReader summarises the patient-data guardian's saved analysis and
// the decisions on its cases as of now.
type PrivacyReader interface {
	PrivacySummary(ctx context.Context, now time.Time) (privacy.SavedSummary, error)
}

// AssuranceStore keeps the evidence people record and the assessments
// made over time (the parts of an assure.Store a report uses).
type AssuranceStore interface {
	Evidence(ctx context.Context) ([]assure.Evidence, error)
	History(ctx context.Context) ([]assure.Assessment, error)
	AppendAssessment(ctx context.Context, a assure.Assessment) error
}

// PatientReportReader reads the record of patient access reports given.
type PatientReportReader interface {
	PatientReports(ctx context.Context) (privacy.PatientReports, error)
}

// PrivacyStores is a PrivacyReader over the stores of the saved analysis
// and of the decisions (pgstore's PrivacyCases and PrivacyDecisions).
type PrivacyStores struct {
	Cases interface {
		LoadCases(context.Context) (*privacy.SavedCases, error)
	}
	Decisions interface {
		List() ([]privacy.Decision, error)
	}
}

// PrivacySummary implements PrivacyReader.
func (p PrivacyStores) PrivacySummary(ctx context.Context, now time.Time) (privacy.SavedSummary, error) {
	sc, err := p.Cases.LoadCases(ctx)
	if err != nil {
		return privacy.SavedSummary{}, err
	}
	ds, err := p.Decisions.List()
	if err != nil {
		return privacy.SavedSummary{}, err
	}
	return privacy.Summarise(sc, ds, now), nil
}

// Close closes the stores FolderSources opened; stores put in by the
// caller are left open.
func (s *Sources) Close() error {
	var first error
	for _, c := range s.closers {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	s.closers = nil
	return first
}
