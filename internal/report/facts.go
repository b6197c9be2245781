package report

import (
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/assure"
	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/flow"
	"github.com/vigilhealth/vigil/internal/people"
	"github.com/vigilhealth/vigil/internal/privacy"
)

// Facts are the figures gathered for a report. A part that could not be
// gathered is empty, and Missing says why in words a reader understands.
type Facts struct {
	Data      string // the data folder
	Period    Period
	Generated time.Time

	Alerts    []*alert.Alert    // alerts last seen in the period
	Incidents []*alert.Incident // incidents last seen in the period (merged ones left out)
	Events    int64             // events stored with a time in the period
	Sources   []flow.SourceStatus

	Findings []estate.Finding // the estate, checked at the period's end
	Register *estate.Register // the risk register, when given
	KEVName  string           // the KEV catalogue in use, when loaded
	KEVDate  time.Time

	Training      []people.TrainingRollup // at the end of each month of the period
	StaffCount    int
	WithoutRecord int
	Phishing      *people.PhishingFigures
	// From the data folder's people data, when it has some: phishing
	// reports from staff and guidance given in the period, and the pulse
	// rounds' results.
	StaffReports int
	GuidanceSent int
	Pulse        []people.PulseResults

	Privacy *privacy.SavedSummary // the patient-data guardian's saved state, when there is one
	// PatientReports counts the patient access reports produced in the
	// period (privacy.PatientReportsFile), when the record could be read.
	PatientReports *privacy.PatientReportCounts
	// Redacted is set by WithoutDetail: incidents name no system, user
	// or rule.
	Redacted bool

	Framework *assure.Framework
	Evidence  []assure.Evidence
	Results   []assure.Result
	Target    map[string]assure.Status
	Gaps      []assure.Gap
	History   []assure.Assessment

	Logs []StoreState // Vigil's own stores, read back

	// Missing holds, per section key, what could not be found.
	Missing map[string][]string
}

// StoreState is one of Vigil's stores as the report read it.
type StoreState struct {
	Name    string
	Records int64
	Err     string
}

// Section keys for Facts.Missing.
const (
	secCAF       = "caf"
	secEstate    = "estate"
	secDetection = "detection"
	secPrivacy   = "privacy"
	secPeople    = "people"
	secSources   = "sources"
)

func (f *Facts) missing(section, format string) {
	if f.Missing == nil {
		f.Missing = map[string][]string{}
	}
	f.Missing[section] = append(f.Missing[section], format)
}
