package report

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// queryLog is an AlertReader that answers from fixed items and notes the
// times it was asked from.
type queryLog struct {
	alerts    []*alert.Alert
	incidents []*alert.Incident
	since     []time.Time
	err       error
}

func (q *queryLog) Count(context.Context) (int, int, error) {
	return len(q.alerts), len(q.incidents), q.err
}

func (q *queryLog) Alerts(_ context.Context, aq alert.Query) ([]*alert.Alert, error) {
	q.since = append(q.since, aq.Since)
	var out []*alert.Alert
	for _, a := range q.alerts {
		if !a.LastSeen.Before(aq.Since) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (q *queryLog) Incidents(_ context.Context, iq alert.IncidentQuery) ([]*alert.Incident, error) {
	q.since = append(q.since, iq.Since)
	var out []*alert.Incident
	for _, i := range q.incidents {
		if !i.LastSeen.Before(iq.Since) && (iq.Merged || i.MergedInto == "") {
			out = append(out, i)
		}
	}
	return out, nil
}

// TestAlertsReadFromThePeriodStart: the alerts and incidents are asked
// for from the period's start (the stores' index), not all of them, and
// of those the report keeps the ones first or last seen in the period.
func TestAlertsReadFromThePeriodStart(t *testing.T) {
	as, is := periodAlerts()
	q := &queryLog{alerts: as, incidents: is}
	f, err := GatherFrom(context.Background(), &Sources{Alerts: q}, Options{Period: periodQ2, Now: afterQ2})
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Time{periodQ2.Start, periodQ2.Start}; !slices.Equal(q.since, want) {
		t.Errorf("asked from %v, want %v", q.since, want)
	}
	if got, want := alertIDsOf(f.Alerts), []string{"at-start open", "in open", "spans-end open"}; !slices.Equal(got, want) {
		t.Errorf("alerts %v, want %v", got, want)
	}
	if len(f.Incidents) != 1 || f.Incidents[0].ID != "inc-in" {
		t.Errorf("incidents %v, want inc-in only", f.Incidents)
	}
	if len(f.Logs) == 0 || f.Logs[0] != (StoreState{Name: "alerts", Records: int64(len(as))}) {
		t.Errorf("logs %+v, want the alert store with all %d alerts counted", f.Logs, len(as))
	}
}

// TestSourcesNotKept: a deployment without a part says so in Missing,
// and a store that cannot be read is noted with its error.
func TestSourcesNotKept(t *testing.T) {
	tests := []struct {
		name    string
		src     *Sources
		section string
		want    string
	}{
		{"no alert store", &Sources{}, secDetection, "This deployment keeps no alert store for reports."},
		{"alert store fails", &Sources{Alerts: &queryLog{err: errors.New("connection refused")}}, secDetection, "The alert store could not be read: connection refused"},
		{"no events", &Sources{}, secSources, "This deployment keeps no searchable events: events in the period cannot be counted."},
		{"no flow profile", &Sources{}, secSources, "No learned profile of the sources: the flow watch runs where events arrive, in the single process (role all), so silent sources cannot be shown."},
		{"no patient report record", &Sources{}, secPrivacy, "The record of patient access reports is kept in the single process's data folder (role all) only: reports given are not counted here."},
		{"no register", &Sources{}, secEstate, noRegister},
		{"no folder for the CAF", &Sources{}, secCAF, "No CAF framework file is recorded in the data folder: give --caf FILE (the CAF YAML you are assessed against) for the outcome heat map."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := GatherFrom(context.Background(), tc.src, Options{Period: periodQ2, Now: afterQ2})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(f.Missing[tc.section], tc.want) {
				t.Errorf("missing[%s] = %q, want it to hold %q", tc.section, f.Missing[tc.section], tc.want)
			}
		})
	}
}
