package report

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/eventstore"
)

// Options say where a report's figures come from.
type Options struct {
	Data   string // the data folder (required)
	Period Period // the span reported on
	CAF    string // CAF YAML file; empty: the one recorded in the data folder, if any
	// CAFSupplement adds objectives in the CAF's form (the DSPT's
	// objective E); empty: the one named in the data folder, if any.
	CAFSupplement string
	Assets        string // asset CSV, joined to what the events show
	Register      string // risk register of unsupported systems (YAML or CSV)
	Staff         string // staff directory CSV
	Training      string // training records CSV
	Phishing      string // GoPhish results CSV
	Now           time.Time
	Log           *slog.Logger
}

// Files a report reads in the data folder besides the stores.
const (
	// CAFFile, when present, names the CAF YAML the organisation is
	// assessed against (one line), so that --caf need not be given.
	CAFFile = "assure/caf"
	// SupplementFile, when present, names a supplement to the framework
	// (one line), such as the organisation's copy of the DSPT's objective E.
	SupplementFile = "assure/supplement"
	flowFile       = "flow.bin"
)

// Gather reads the figures for a report from the data folder o.Data
// (FolderSources). Only a data folder that cannot be read at all is an
// error: a part that is missing or unreadable is noted in Facts.Missing,
// and the rest is still reported.
func Gather(ctx context.Context, o Options) (*Facts, error) {
	if _, err := os.Stat(o.Data); err != nil {
		return nil, fmt.Errorf("report: data folder: %w", err)
	}
	src := FolderSources(o.Data)
	defer src.Close()
	return GatherFrom(ctx, src, o)
}

// GatherFrom reads the figures for a report from src; o.Data is not used
// (src.Data is). A part that is missing or unreadable is noted in
// Facts.Missing, and the rest is still reported; the error is only ctx's.
func GatherFrom(ctx context.Context, src *Sources, o Options) (*Facts, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	f := &Facts{Data: src.Data, Period: o.Period, Generated: o.Now}
	gatherAlerts(ctx, f, src.Alerts)
	gatherEvents(ctx, f, src.Events)
	gatherSources(f, src.Flow, f.asOf())
	gatherEstate(ctx, f, src, o)
	gatherPeople(ctx, f, src.People, o)
	gatherPrivacy(ctx, f, src)
	gatherCAF(ctx, f, src, o)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("report: gather: %w", err)
	}
	return f, nil
}

// asOf is the moment the report speaks for: the period's end, or now if
// the period has not ended.
func (f *Facts) asOf() time.Time {
	if f.Generated.Before(f.Period.End) {
		return f.Generated
	}
	return f.Period.End.Add(-time.Second)
}

// gatherAlerts reads the alerts and incidents seen in the period: those
// last seen from its start on (the stores' index), of which those first or
// last seen in it.
func gatherAlerts(ctx context.Context, f *Facts, st AlertReader) {
	if st == nil {
		f.missing(secDetection, "This deployment keeps no alert store for reports.")
		return
	}
	n, _, err := st.Count(ctx)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			f.missing(secDetection, "The data folder has no alert store: Vigil has raised no alerts here.")
		} else {
			f.missing(secDetection, "The alert store could not be read: "+err.Error())
			f.Logs = append(f.Logs, StoreState{Name: "alerts", Err: err.Error()})
		}
		return
	}
	since := f.Period.Start
	all, err := st.Alerts(ctx, alert.Query{Since: since, Limit: 1<<31 - 1})
	if err != nil {
		f.missing(secDetection, "The alerts could not be read: "+err.Error())
		return
	}
	f.Logs = append(f.Logs, StoreState{Name: "alerts", Records: int64(n)})
	for _, a := range all {
		if f.Period.Contains(a.LastSeen) || f.Period.Contains(a.FirstSeen) {
			f.Alerts = append(f.Alerts, a)
		}
	}
	incs, err := st.Incidents(ctx, alert.IncidentQuery{Since: since, Limit: 1<<31 - 1})
	if err != nil {
		f.missing(secDetection, "The incidents could not be read: "+err.Error())
		return
	}
	for _, inc := range incs {
		if inc.MergedInto == "" && (f.Period.Contains(inc.LastSeen) || f.Period.Contains(inc.FirstSeen)) {
			f.Incidents = append(f.Incidents, inc)
		}
	}
}

func gatherEvents(ctx context.Context, f *Facts, st EventReader) {
	if st == nil {
		f.missing(secSources, "This deployment keeps no searchable events: events in the period cannot be counted.")
		return
	}
	stats, err := st.Stats(ctx)
	if err == nil {
		// Reading every record checks each one's checksum.
		_, err = st.Search(ctx, eventstore.Query{Limit: 1})
	}
	if err != nil {
		f.Logs = append(f.Logs, StoreState{Name: "events", Err: err.Error()})
		if errors.As(err, new(openError)) {
			f.missing(secSources, "The event store could not be read: "+err.Error())
		} else {
			f.missing(secSources, "The event store could not be read back: "+err.Error())
		}
		return
	}
	f.Logs = append(f.Logs, StoreState{Name: "events", Records: stats.Events})
	res, err := st.Search(ctx, eventstore.Query{Since: f.Period.Start, Until: f.Period.End, Limit: 1})
	if err != nil {
		f.missing(secSources, "The events of the period could not be counted: "+err.Error())
		return
	}
	f.Events = res.Matched
	if !stats.Oldest.IsZero() && stats.Oldest.After(f.Period.Start) {
		f.missing(secSources, "Events are kept from "+stamp(stats.Oldest)+" only: earlier ones in the period were removed by retention or never received.")
	}
}

func gatherSources(f *Facts, p FlowProfile, at time.Time) {
	if p == nil {
		f.missing(secSources, "No learned profile of the sources: the flow watch runs where events arrive, in the single process (role all), so silent sources cannot be shown.")
		return
	}
	ss, err := p.SourcesAt(at)
	switch {
	case errors.Is(err, errNoProfile):
		f.missing(secSources, "No learned profile of the sources (flow.bin): silent sources cannot be shown.")
	case err != nil:
		f.missing(secSources, "The learned profile of the sources could not be read: "+err.Error())
	default:
		f.Sources = ss
	}
}
